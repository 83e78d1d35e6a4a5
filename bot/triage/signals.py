"""Phrases that signal a kind of request or a severity, in English and Chinese.

Each is a compiled regex over the whole (redacted) message. Keeping them in one table makes
the rules reviewable and lets tests name the signal that fired.
"""

from __future__ import annotations

import re


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


TICKET_REF = re.compile(r"\b((?:SUP|TICKET|CASE|INC|REQ|UPG)-\d{1,7})\b", re.I)
TICKET_HASH = re.compile(
    r"(?i)(?:\b(?:ticket|case|request)|工单(?:号|编号)?)\s*[#:：]?\s*(\d{2,7})\b"
)

STATUS = _any(
    r"\bstatus\b",
    r"\bany (?:update|news|progress)",
    r"\bupdates? on\b",
    r"\bprogress (?:on|of)\b",
    r"\bwhere (?:are we|is it|does it stand)",
    r"\bstill waiting\b",
    r"\beta\b",
    r"\bwhen will (?:someone|you|it be)",
    r"\bhas anyone (?:looked|picked)",
    r"\b(?:my|our) (?:ticket|case|request)\b",
    # "工单" alone is no status ask: "已经提过工单了，这个问题一直没修" reports the bug again
    # not 进度条 (a progress bar on the page)
    r"进展|进度(?!条)|处理到哪|(?:有人|谁在)(?:在)?跟进|工单状态|状态(?:如何|怎么样)|"
    r"(?:怎么样|如何)了|有(?:结果|回复|答复|消息)了?吗|什么时候(?:能)?(?:有)?(?:结果|回复|答复)|"
    r"还没(?:有)?人?(?:回复|处理|跟进)|没人(?:回复|处理|跟进|理)|催一下",
)
UPGRADE = _any(
    r"\bupgrad\w* (?:to |our |my |the )?(?:the )?(?:plan|subscription|account|tier|support plan|"
    r"package|license|licence|enterprise|pro|basic)\b",
    r"\b(?:enterprise|pro|basic|paid|support) (?:plan|tier|subscription)\b",
    r"\b(?:pricing|quote|invoice|billing|contract|purchase|procurement)\b",
    r"\b(?:quota|rate limit increase|increase (?:the |our )?(?:limit|quota|cap)|more (?:concurrent|"
    r"seats|mau|minutes|capacity))\b",
    r"升级套餐|套餐|扩容|购买|报价|合同|发票|配额|额度|续费|商务",
    r"收费|价格|多少钱|费用|计费|付费|资费|试用期|授权费|包年|包月",
    r"(?:升级|开通|购买|换成|切换|转)(?:到|成|为)?\S{0,6}(?:企业版|旗舰版|专业版|高级版|付费版|商业版)",
    r"并发(?:数|路数)?(?:上限|不够)|(?:提高|提升|调高|增加)\S{0,8}(?:上限|配额|额度|并发)",
    r"试用(?:期)?(?:已)?(?:到期|结束|过期)|(?:套餐|账号|License|license|授权)(?:已|快)?(?:到期|过期)|"
    r"(?:申请|购买|获取)(?:正式)?(?:license|License|授权)|"
    r"(?:免费版|付费版|商业版|企业版|旗舰版|专业版)(?:和|与|跟)\S{0,6}(?:区别|差别|不同)|"
    r"(?:免费版|试用版)\S{0,6}(?:限制|上限)",
)
# What a price enquiry asks about (a plan request that only asks "how much" waits for no one).
PRICING = _any(
    r"\b(?:pricing|price|how much|cost|quote)\b",
    r"收费|价格|多少钱|费用|计费|资费|报价|怎么卖|贵不贵",
)
# Commercial words that make a Chinese "请问…如何收费？" a plan/billing ask, not a how-to.
COMMERCIAL_ZH = re.compile(
    r"收费|价格|多少钱|费用|计费|付费|资费|报价|续费|发票|合同|套餐|试用期|授权费|包年|包月|"
    r"扩容|商务|(?:怎么|如何|在哪)购买|购买(?:流程|方式|渠道|套餐|时长|分钟|license|授权)|"
    r"(?:想|要)买[^，。？?\n]{0,10}(?:分钟|时长|套餐|版|服务|license|授权)|(?:升级|开通)(?:到|成|为)?\S{0,6}(?:企业版|旗舰版|专业版|高级版|付费版|商业版)|"
    r"(?:提高|提升|调高|增加)\S{0,8}(?:上限|配额|额度|并发)|"
    r"试用(?:期)?(?:已)?(?:到期|结束|过期)|(?:套餐|账号|License|license|授权)(?:已|快)?(?:到期|过期)|"
    r"(?:申请|购买|获取)(?:正式)?(?:license|License|授权)|"
    r"(?:免费版|付费版|商业版|企业版|旗舰版|专业版)(?:和|与|跟)\S{0,6}(?:区别|差别|不同)|"
    r"(?:免费版|试用版)\S{0,6}(?:限制|上限)"
)
SDK_UPGRADE = _any(
    r"\bupgrad\w* (?:the |our |to the )?(?:\w+[ -])?(?:sdk|library|package|version|dependency)"
)
OUTAGE = _any(
    r"\boutage\b",
    r"\b(?:is|are|went|goes|been) (?:completely )?down\b",
    r"\bdown for (?:everyone|all)",
    r"\bservice (?:is )?unavailable\b",
    r"\b(?:nobody|no one|none of our users) can\b",
    r"\bproduction (?:is )?(?:down|broken|outage)",
    r"\bsev(?:erity)?[- ]?1\b|\bp0\b",
    r"宕机|挂了|服务不可用|线上事故|全部瘫痪|大面积",
)
# A vendor-hosted service unreachable: "信道服务器就连不上", "控制台打不开", "接口全部 502".
OUTAGE_ZH = re.compile(
    r"(?:服务器|服务端|服务|后台|控制台|信道|接口|域名|节点|集群|云端|推送通道|长连接)"
    r"[^，。！？!?\n]{0,15}?"
    r"(?:连不上|连接不上|无法连接|连接失败|访问不了|无法访问|打不开|不可用|挂了|宕机|崩了|瘫痪|故障|"
    r"大量超时|全部超时)"
    # a 5xx is the hosted service down only when every call gets it ("所有接口都返回 500"); one
    # endpoint's 500 ("服务端 API 返回 500，调用创建群组时") is a bug in that endpoint
    r"|(?:所有|全部|每个|任何)(?:的)?(?:接口|请求|API|api|调用)[^，。！？!?\n]{0,12}?5\d\d"
    r"|(?:控制台|后台管理|管理后台)[^，。！？!?\n]{0,6}?(?:登录不了|登不上|登录不上|进不去)"
    # "服务正常吗？", "服务是不是挂了": asking whether the hosted service is up
    r"|服务[^，。！？!?\n]{0,6}?(?:正常吗|是否正常|是不是(?:正常|挂了|有问题|出问题|故障))"
    r"|(?:所有|全部|大量|大部分|全体)(?:的)?(?:用户|客户|人|房间)(?:都|全部)?(?:无法|不能|没法)?"
    r"(?:登录不上|登不上|登录不了|登陆不上|连不上|进不了|进不去|收不到|发不出|掉线|无法登录|无法连接)"
    r"|宕机|服务不可用|线上事故|全部瘫痪|大面积(?:故障|报错|失败|掉线|异常|无法)"
    r"|(?:服务端|服务器|后台|云端|你们(?:的)?服务)(?:是不是|是否)?(?:有|出)(?:了)?(?:问题|故障|异常)"
)
# The same doubt in English: "Is something wrong with the backend?", "is your server down?";
# every call of the API failing is the service down too
SERVICE_DOUBT = _any(
    r"\b(?:all|every|any) (?:of )?(?:your |the |our )?(?:rest |server |http )?(?:api |rest )?"
    r"(?:calls?|requests?|endpoints?|apis?)\b[^.\n]{0,30}\b(?:5\d\d|time ?out\w*)\b",
    r"\b(?:is|are) (?:there )?(?:something|anything) wrong (?:with|on) (?:the |your |ur )?"
    r"(?:backend|back-end|servers?|service|api|platform|cluster|infrastructure|cloud)\b",
    r"\b(?:is|are) (?:the |your )?(?:backend|back-end|servers?|service|api|platform|cluster)s? "
    r"(?:down|having (?:issues|problems|an outage)|experiencing (?:issues|problems|an outage))\b",
    r"\b(?:problem|issue|outage|incident)s? (?:with|on) (?:the |your )(?:backend|back-end|servers?|"
    r"service|api|platform|cluster)\b",
)
# "none of our users can log in", "nobody can join": every user failing at a basic action
EVERYONE_FAILS = _any(
    r"\b(?:nobody|no one|none of (?:our |the |my )?(?:users|customers|clients|players)) "
    r"(?:can|is able to|could)(?:no|'?t)? (?:log|sign|join|connect|send|receive|get|hear|see|"
    r"use|access|open|load|call|start|play|make|reach|chat|message|publish|subscribe|watch|"
    r"stream|pay|upload|download)\w*\b"
)
ALL_USERS = _any(
    r"\b(?:all|most|many) (?:of )?(?:our |the |my )?(?:users|customers|clients|calls|"
    r"rooms)\b",
    r"\bevery (?:single )?(?:user|customer|client|call|room|device)\b",
    r"\beveryone\b",
    r"\bnobody\b|\bno one\b|\bnone of (?:our |the |my )?(?:users|customers|clients|players)\b",
    r"所有用户|全部用户|大量用户|大部分用户|全部客户|所有人",
    r"(?:所有|全部|大量|大部分|大多数|绝大部分|很多|许多|全体)(?:的)?"
    r"(?:用户|客户|终端|设备|机型|房间|群)|"
    r"全员|全网|大面积|(?:全部|都|全都)受(?:到)?影响|(?:全部|全都)(?:请求|调用|接口)?(?:都)?(?:失败|报错|超时)",
    r"(?:好多|很多|大量|不少|许多)(?:的)?(?:客户|用户)(?:都)?(?:在)?(?:投诉|反馈|报)",
)
# "End call for everyone", "mute for all": what a host does, not who is affected
HOST_ACTION = _any(
    r"\b(?:end|ends|ended|ending|mute|mutes|muted|muting|unmute\w*|remove\w*|kick\w*|stop\w*|"
    r"lock\w*|close\w*)\s+(?:the |a |this )?(?:call|meeting|conference|room|session|audio|video|"
    r"mic\w*|camera)?\s*for (?:everyone|all)\b",
)
PRODUCTION = _any(
    r"\bproduction\b",
    r"\bin prod\b",
    r"\blive (?:app|users|traffic|environment)\b",
    r"\bcrashlytics\b|\bsentry\b",
    r"\bour (?:users|customers) (?:are |report)",
    r"线上|生产环境|正式环境",
    # 生成环境 is a common typing slip for 生产环境
    r"生成环境|现网|正式服|已(?:经)?(?:部署)?上线|上线了|生产(?:上|中)",
)
CRASH = _any(
    r"\bcrash\w*",
    r"\bSIG(?:ABRT|SEGV|BUS|ILL|TRAP)\b",
    r"\bEXC_BAD_ACCESS\b|\bEXC_CRASH\b",
    r"\bfatal (?:exception|error)\b",
    r"\bNoSuchMethodError\b|\bNullPointerException\b|\bnull pointer dereference\b",
    r"\bANR\b",
    r"崩溃|闪退|崩了|(?:App|应用|程序)(?:直接)?挂掉",
)
CORE_BROKEN = _any(
    r"\b(?:can(?:no|')t|unable to|fails? to|failed to|not able to) (?:join|connect|log ?in|"
    r"sign ?in|"
    r"send|receive|publish|subscribe|start|open|run|launch|build|compile|hear|see)\b",
    r"\bno (?:audio|video|sound)\b|\bblack screen\b|\bone[- ]way audio\b",
    r"\b(?:never|doesn'?t|does not|won'?t|fails? to|can(?:no|')t|unable to) reconnects?\b",
    r"\b(?:video|screen|view) (?:stays |is |goes |turns )?black\b",
    r"\b(?:messages?|calls?) (?:are )?(?:not|never) (?:delivered|received|sent|connect)",
    r"\bunusable\b|\bcompletely broken\b",
    r"\b401\b|\bunauthori[sz]ed\b",
    r"\bfreez\w*|\bfroze\b",
    r"无法(?:加入|连接|登录|发送|接收|启动|运行|进房|推流|拉流|通话|使用)|收不到|发不出|黑屏|没有声音|无声",
    r"(?:发送|登录|加入|连接|接收|进房|推流|拉流|初始化|呼叫|通话)\S{0,6}失败",
    r"听不到|看不到|没声音|白屏|花屏|登录不上|登不上|连不上|进不了房|进不去|发不了|丢消息|消息丢失|卡死",
    r"(?:登录|进房|加入|连接|推流|拉流|初始化|发送)\S{0,4}(?:报错|出错)|画面(?:卡住|冻结|定格|不动)",
    r"不响铃|收不到来电|接不到(?:来电|电话)|接通后?没有?声音",
)
DATA_LOSS = _any(
    r"\bdata loss\b|\blost (?:messages|data|history)\b",
    r"\bmessages? (?:are |were |get )?(?:lost|missing|deleted|disappear\w*)",
    r"\bcorrupt\w*",
    r"丢失|丢消息|消息丢|数据丢",
)
SECURITY = _any(
    r"\bsecurity\b|\bvulnerab\w*|\bCVE-\d+|\bexploit\w*|\bXSS\b|\binjection\b",
    r"\b(?:token|credential|key|password)s? (?:is |are |was |were )?(?:leaked|exposed)\b",
    r"\bunauthori[sz]ed access\b|\bprivilege escalation\b|\bdata leak\b",
    # not "内存泄露" (a memory leak): a secret or user data leaking out
    r"安全漏洞|漏洞|越权|(?:token|密钥|密码|userSig|UserSig|隐私|数据|信息|key|Key)[^，。\n]{0,12}泄[露漏]|"
    r"泄[露漏]\S{0,6}(?:token|密钥|密码|隐私|用户数据|用户信息|key)",
)
REGRESSION = _any(
    r"\bafter (?:upgrading|updating|the (?:upgrade|update)|bumping|moving to|migrating)\b",
    r"\bsince (?:upgrading|updating|the (?:upgrade|update|release)|v?\d+\.\d+)",
    r"\bused to work\b|\bworked (?:fine |well )?(?:before|previously|in v?\d)",
    r"\bregression\b|\bstarted (?:crashing|failing|happening)\b",
    r"\bon (?:the )?latest version\b|\bupdated (?:\w+ )?(?:sdk )?from\b",
    r"\bwhen I updated\b|\bafter update\b",
    r"\b(?:was|were) (?:fine|ok|okay|working) (?:in|on|with|before|until)\b",
    r"升级后|更新后|升级(?:到|至)?[^，。\n]{0,24}(?:以后|之后|后)|(?:之前|以前)[^。\n]{0,15}正常",
    r"(?:之前|以前|原来)[^。\n]{0,15}(?:是好的|好好的|没问题|没有问题|没这个问题)",
    r"(?:之前|以前|老|旧)(?:的)?版本(?:没有|没|正常|没问题|不会)|新版本(?:才|出现|开始)",
)
EVERY_TIME = _any(
    r"\bevery ?time\b|\balways\b|\bon (?:app )?launch\b|\bon (?:opening|startup|start)\b|"
    r"\bevery (?:join|call)",
    r"必现|每次|一直|总是|百分百|100%",
)
BLOCKER = _any(
    r"\bblock(?:er|ing|s us)\b|\bbefore (?:our )?(?:launch|release|go-live)\b|\bgo[- ]live\b|"
    r"\blaunch date\b",
    r"上线前|阻塞|卡住了进度|(?:影响|耽误)(?:了)?(?:上线|发版|进度)",
)
WORKAROUND = _any(
    r"\bwork ?around\b|\btemporary fix\b|\bfor now we\b|绕过|临时方案|规避",
    r"(?:重启|重连|重新进房|杀掉进程)(?:后|之后|就)(?:能)?(?:好了|恢复|正常)|暂时(?:先)?用",
    # "if I wait 5 seconds before connecting again, everything works"; "再呼叫一次就正常了"
    # (not "if we downgrade to 4.1, it works": that is a regression)
    r"\bif (?:i|we|you)\b(?![^.\n]{0,30}\b(?:downgrad|roll\w* back|revert|go back))"
    r"[^.\n]{3,80}?,? (?:then )?(?:it|everything|all|things) "
    r"(?:works?|is fine|goes fine)\b",
    r"(?:再|重新)(?:呼叫|拨打|进房|进入|打开|登录|连接|试)(?:一次|一下)?[^。！？\n]{0,10}?"
    r"(?:就|都)(?:都)?(?:正常|好|可以)了?",
)
LIMITED = _any(
    r"\bsometimes\b|\boccasionally\b|\brandom\w*|\bintermittent\w*|\brarely\b",
    r"\b\d\s*(?:-\s*\d\s*)?(?:of|out of|in) \d+\b",
    r"\bsome (?:devices|users)\b|\bonly on\b|\bone device\b|\bcannot reproduce\b|"
    r"\bnot reproducible\b",
    r"偶现|偶尔|部分(?:用户|机型)|个别",
    r"有时(?:候)?|概率|少数|某些(?:机型|用户|设备)|其他(?:机型|系统|设备|版本)?(?:都|均)?正常",
)
# Some device models fail while others work: a device-specific defect, not configuration.
DEVICE_SPECIFIC = _any(
    r"\b(?:only )?on (?:some|certain|specific|a few) (?:devices|models|phones)\b",
    r"\bother (?:devices|models|phones) (?:work|are fine)\b",
    r"部分机型|某些机型|个别机型|少数机型|特定机型|其他机型(?:都|均)?(?:正常|没问题)",
)
COSMETIC = _any(
    r"\bcosmetic\b|\btypo\b|\bmisaligned\b|\balignment\b|\bspacing\b|\bpadding\b|\bmargin\b|"
    r"\bdivider\b|\bcolou?r\b|\bfont\b",
    r"\bwarning\b|\bdeprecat\w*|\blint\b",
    r"\b(?:docs?|documentation|readme) (?:is|are|seems?) "
    r"(?:wrong|outdated|incorrect|missing|unclear)",
    r"\b(?:wrong|outdated|incorrect|broken|missing) (?:docs?|documentation|link)\b",
    r"样式|文档(?:错误|有误|过时)|错别字|警告",
    r"错位|对不齐|间距|字体|文案|排版",
)
FAILURE = _any(
    r"\b(?:gets?|got|getting|returns?|returned|throws?|threw|shows?|showed|seeing)\s+(?:an? )?"
    r"(?:error )?(?:code )?[A-Z]{1,5}-\d{3,6}\b",
    r"\bcrash\w*|\berror\w*|\bexception\b|\bfail\w*|\bbroken\b|\bbug\b|\bfreez\w*|\bfroze\b",
    r"\bhang\w*|\bstuck\b|\bnot working\b|\bdoesn'?t work|\bdoes not work|\bno effect\b",
    r"\bdoes nothing\b|\bnot (?:being |getting )?(?:called|fired|triggered|shown|received|"
    r"delivered|refreshed|renewed|updated|synced|synchroni[sz]ed|saved|displayed|rendered|"
    r"played|restored|reconnected|released|cleared|invoked|emitted|notified|persisted)\b",
    r"\bnever (?:fires|arrives|starts|connects|called)\b|\bwrong\b|\bissue\b|\bproblem\b",
    r"\bthrow\w*|\bblack screen\b|\bno (?:audio|video|sound)\b|\b(?:401|403|500|502|503)\b",
    # "a black frame is drawn in its place", "just a black rectangle", "never shows up"
    r"\bblack (?:frames?|rectangles?|box(?:es)?|tiles?|views?|images?|video)\b",
    r"\bnever (?:shows?|showed|appears?|appeared|comes?) up\b|\bnever (?:appears?|renders?)\b",
    # not "can't find any documentation": a reader looking for the docs reports no failure
    r"\bcan(?:no|')t\b(?! find (?:any |the )?(?:docs?|documentation|examples?|samples?|info\w*)\b)"
    r"|\bunable\b|\bwon'?t\b|\bstopped \w+ing\b|\bno longer\b",
    r"\b(?:does not|doesn'?t|did not|didn'?t|is not|isn'?t) (?:work|change|update|play|show|"
    r"appear|load|connect|join|receive|arrive|fire|trigger|get called|respond|stop|start|"
    r"refresh|renew|sync|reconnect|render|display)\w*",
    r"\bnoise\b|\becho\b|\bdistort\w*|\bglitch\w*|\bflicker\w*|\bchoppy\b|\bgarbled\b",
    r"\b(?:are|is|were|was|get|got) lost\b|\bdata loss\b|\bleak\w*|\bvulnerab\w*",
    r"\bnot (?:arriving|working|showing|loading|connecting)\b|\b(?:is|are|went) down\b",
    r"\bnone of\b[^.\n]{0,30}\bcan\b|\bnobody can\b|\bno one can\b|\boutage\b",
    # not 问题 on its own: it also means "question" ("有个问题想请教")
    r"崩溃|闪退|报错|失败|异常|卡住|卡死|卡顿|黑屏|无声|无法|(?<!能)不能|收不到|bug|出(?:了|现)?问题",
    r"连不上|连接不上|登录不上|登不上|登录不了|进不去|打不开|没反应|无反应|没有(?:任何)?反应|"
    r"听不到|看不到|发不出|发不了|丢失|丢消息|花屏|白屏|断线|掉线|不生效|不起作用|出错|错误|超时|"
    r"没法(?:处理|实现|使用|用|解决|获取|正常)|错位|乱码|显示(?:不全|异常|错乱|不正常)|重叠|遮挡|"
    r"泄露|泄漏|回声|杂音|噪音|啸叫|音画不同步|编译不过|编译不通过|不存在|过时|"
    r"不(?:响铃|显示|回调|触发|生效|刷新|更新|播放|弹出|工作|起作用|准|同步|正常)|"
    r"没有(?:回调|触发|响应|弹出|显示)|未(?:回调|触发|收到)|占用(?:过高|很高|太高|高)|发烫|发热|耗电|"
    r"跑不起来|跑不通|运行不了|启动不了|用不了",
    # the same message or event twice: "历史消息重复出现", "同一条消息出现两次", "delivered twice"
    r"重复(?:出现|显示|收到|推送|回调|触发|发送)|(?:出现|收到|显示|推送|回调)了?两(?:次|条|遍)",
    r"\bduplicated?\b|\bduplicates\b|\b(?:shows?|showed) up twice\b|"
    r"\b(?:appears?|appeared|arrives?|arrived|delivered|received|fired|called) twice\b",
    # "进度条走完又重新开始，一直循环", "一直转圈": stuck in a loop
    r"(?:无限|一直|不停(?:地)?|反复)(?:循环|转圈|重启|刷新|加载|重连)",
)
BUG_TEMPLATE = _any(
    r"describe the bug|to reproduce|steps to reproduce|\[bug\]|^bug\b|expected behaviou?r|"
    r"actual (?:behaviou?r|results?)|what happened instead|bug description|bug report|"
    r"what did you (?:do|expect to see|see instead)\b",
    r"复现步骤|问题描述|期望结果|实际结果|当前现象|复现途径|复现概率",
)
FEATURE = _any(
    r"feature request|is your feature request|describe the solution|proposed solution|"
    r"solution you'?d like|alternatives you'?ve considered",
    r"\bwould (?:be|love) (?:nice|great|helpful|useful|good)|\bit would be (?:nice|great)",
    r"\bplease (?:add|support|provide|expose|consider)\b|\badd support for\b|\bsupport for\b",
    r"\badd\b[^.\n?]{0,40}\bsupport\b|\bwonder if (?:we|you) (?:can|could) add\b",
    # "Could you add background blur?", "we need a way to share device audio"
    r"\b(?:could|can|would) you (?:please )?(?:add|support|provide|expose|implement|include)\b",
    r"\b(?:we|i) (?:really )?(?:need|want|would like|'d like) (?:a way|an? (?:option|api|setting|"
    r"flag|way)|the (?:ability|option|possibility)) to\b",
    r"\b(?:it )?will be (?:very |really )?(?:good|great|nice|useful|helpful)\b",
    r"\bmake (?:it|this|them) configurable\b|\bconfigurable\b|\bability to\b|\bbe able to\b",
    r"\benhancement\b|\bsuggestion\b|\bnew (?:api|option|feature)\b",
    r"希望[^，。！？!?\n]{0,8}?(?:支持|增加|提供|加上|新增|开放|出一个|加个|加一个)",
    r"建议(?:你们|官方)?(?:增加|支持|提供|加上|新增|开放)|(?:能否|可否|能不能|是否可以|可不可以)"
    r"(?:增加|提供|加上|新增|开放|加个|加一个)|新功能|(?:能否|可否|能不能|可不可以)(?:为|给)[^，。？?\n]{1,15}?(?:做|出|加|开发|适配)(?:一个|个)|功能需求|功能建议|(?:几|一)(?:个|点|些)建议|"
    r"需求[:：]|需求背景|需求描述|功能描述|使用场景|(?:能否|可否)支持",
)
FEATURE_TITLE = re.compile(
    r"^\W*(?:\[?feature\]?|feat|add|allow|support|enable|provide|expose|make|be able to|option to|"
    r"request|implement|introduce|feature request|"
    r"(?:could|can|would) you (?:please )?(?:add|support|provide|expose|implement))\b"
    r"|^\W*(?:【|\[)?(?:需求|建议|功能建议|功能请求|新功能)(?:】|\])?|^\W*(?:希望|建议|求)(?:能|可以)?"
    r"(?:支持|增加|提供|加上|新增)"
    # a title that names what to support: "支持 mediasoup 流媒体"
    r"|^\W*支持(?!的|不|失败|出错)\s?[A-Za-z0-9\u4e00-\u9fff]",
    re.I,
)
QUESTION = _any(
    r"\bhow (?:to|do|can|should|would|does)\b",
    r"\bis (?:it|there|this) (?:possible|a way|supported|open source)\b|\bis there (?:a|any)\b",
    r"\bcan (?:i|we|you)\b|\bdoes (?:the |this |it |\w+ )?(?:sdk|api|library)? ?support\b",
    r"\bwhat (?:is|are|should) (?:the )?(?:best|recommended|right|correct|difference)\b",
    r"\bwhich (?:version|method|api|one)\b|\bany (?:example|sample|docs?)\b",
    r"\bwhat should i do\b|\bdo i need\b|\bi want to know\b|\bwondering\b",
    # "Is it documented anywhere?", "I can't find any documentation about …"
    r"\bis (?:it|this|that) documented\b|\bcan(?:no|')t find (?:any )?(?:docs?|documentation|"
    r"examples?|samples?)\b|\bwhere (?:is|are|can i find) (?:the )?(?:docs?|documentation)\b",
    # "怎么会…" / "怎么回事" complain about a failure; they do not ask how to do something
    r"怎么(?!会|回事|搞的|老是|总是|又|还|一直)|如何(?!是好)|怎样|是否|能不能|可不可以|请问|"
    r"吗[？?]|有没有.{0,10}(?:办法|方法)|什么时候支持|(?:是)?什么意思|啥意思",
    r"(?:从|在)哪(?:里|儿)?(?:能|可以|才能)?(?:拿到|获取|找到|设置|配置|看|查)|"
    r"没(?:有)?找到[^，。？?\n]{0,12}(?:例子|示例|文档|说明|demo|Demo|写法)|"
    r"有没有(?:例子|示例|文档|demo|Demo)|求(?:助|教)|请教|很困惑|不太明白",
)
QUESTION_TITLE = re.compile(
    r"^\W*(?:how|is (?:it|there|this)|can (?:i|we)|does|what|which|where|should|question|"
    r"\[question\]|q:|怎么(?!会|回事)|如何|请问|是否)\b",
    re.I,
)
WEAK_QUESTION = _any(
    r"\bwhat is wrong\b|\bhow (?:do|can) i fix\b|\bany (?:idea|help)\b|\bhas anyone\b"
)
# "有人碰到过吗？": asking whether others see the failure too, not how to do something
ANYONE_ELSE = re.compile(
    r"(?:有人|有没有人|大家|其他人|别人)(?:也)?(?:碰到|遇到|遇见|出现|发现)过?"
    r"[^，。！？!?\n]{0,12}?(?:吗|么|没有)?[？?]?"
)
USAGE_CONTEXT = _any(
    r"\b(?:quickstart|quick start|example|tutorial|getting started)\b.{0,40}\b(?:unchanged|as is|"
    r"as-is)\b",
    r"\b(?:running|trying|following) (?:this|the) (?:example|quickstart|tutorial|guide)\b",
)
GREETING = _any(
    r"^\W*(?:hi|hello|hey|thanks?|thank you|cheers|ok(?:ay)?|great|good morning|"
    r"你好|谢谢|好的|收到)\W*$"
)
GO_AHEAD = _any(
    r"\bgo ahead\b|\bjust open\b|\bopen (?:it|the ticket|a ticket) (?:anyway|now)\b|\banyway\b",
    r"\bdon'?t have (?:it|that|them|more)\b|\bthat'?s all (?:i have|we have)\b|\bno more info\b",
    r"\bfile it\b|\bsubmit (?:it|anyway)\b|\bjust create\b|\bcreate (?:the|a) ticket\b",
    r"直接(?:提交|开单|创建)|先提交|就这样吧|没有更多",
)
# Chinese feature asks that arrive as questions: "能不能加一个…选项？" asks for a feature.
FEATURE_ASK_ZH = re.compile(
    r"希望[^，。！？!?\n]{0,8}?(?:支持|增加|提供|加上|新增|开放|出一个|加个|加一个)|"
    r"建议(?:你们|官方)?(?:增加|支持|提供|加上|新增|开放)|(?:能否|可否|能不能|是否可以|可不可以)"
    r"(?:增加|提供|加上|新增|开放|加个|加一个)|(?:几|一)(?:个|点|些)建议|(?:能否|可否)支持|需求背景|"
    # "能不能为这种协议做一个分支？": asked for the vendor to build something
    r"(?:能否|可否|能不能|可不可以)(?:为|给)[^，。？?\n]{1,15}?(?:做|出|加|开发|适配)(?:一个|个)"
)
# A rant without a symptom: nothing an engineer can act on.
RANT_ZH = re.compile(r"垃圾|太烂|真烂|坑爹|什么玩意|无语|骗子|辣鸡|太差劲")
GENERIC_FAILURE_ZH = re.compile(r"^(?:出(?:了|现)?问题|bug|问题|不能|无法)$", re.I)
# Urgency words raise no priority on their own ("急急急"); stated impact does.
URGENCY = _any(
    r"\burgent(?:ly)?\b|\basap\b|\bhelp!+",
    r"急急急|很急|紧急|着急|十万火急|火急|在线等|速回|尽快|马上|求助",
)
# An error that itself says the call was misused: an integration mistake more than a defect.
MISUSE = _any(
    # not IllegalArgumentException: an SDK that crashes on an argument has a bug of its own
    r"\bcheck (?:your|the) param\w*|\binvalid param(?:eter)?s?\b|\bERR_INVALID_ARG\w*",
    r"参数(?:错误|不合法|无效|类型不对|有误)",
)
REFUSE_LOGS = _any(
    r"\b(?:can(?:no|')t|won'?t|unable to|not allowed to|not able to|cannot) (?:share|send|provide|"
    r"give|attach|upload|get) (?:the |any |you )?(?:logs?|log files?)\b",
    r"\bno logs?\b|\bdon'?t have (?:any )?logs?\b|\bwithout logs?\b|\blogs? (?:are|"
    r"is) not available\b",
    r"没有日志|无日志|不方便(?:提供|给)?日志|不能提供日志|"
    r"日志(?:暂时|现在|目前|一时|这边)?(?:没有|拿不到|取不到|导不出|无法(?:提供|获取|导出)|"
    r"提供不了|给不了)",
)
