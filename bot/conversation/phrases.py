"""The phrases that say what a turn is about, in English and Chinese: asking where a ticket
stands, for a person, to start over, thanks, yes / no, a commercial request, a how-to question.
:mod:`bot.conversation.intents` weighs them with the conversation's situation."""

from __future__ import annotations

import re


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


STATUS = _any(
    r"^\W*(?:status|updates?|news|progress|eta)\W*$",
    r"\b(?:what'?s|what is|any|get an?|give me an?|is there an?)\s+(?:the\s+)?(?:latest\s+)?"
    r"(?:status|updates?|news|progress|eta)\b(?!\s*code)",
    r"\bstatus (?:of|on) (?:my|our|the|this|that)\b",
    r"\b(?:my|our|the) (?:ticket|case|request|issue|report|bug)'?s? (?:status|progress)\b",
    r"\bwhere (?:are we|is it|does it stand|do things stand|are things)\b",
    r"\bhas (?:anyone|anybody|someone|an engineer) (?:looked|picked|replied|responded|seen)\b",
    r"\b(?:is|has) (?:it|this|that|my (?:ticket|case|issue|bug)|the (?:ticket|case|issue|bug)) "
    r"(?:been )?(?:fixed|resolved|looked at|picked up)(?: yet)?\s*\?",
    r"\bstill waiting\b|\bhow'?s (?:it|my ticket|the ticket|my case|that) going\b",
    r"\bwhen will (?:someone|you|an engineer|it be fixed|i hear)\b|\bany news\b",
    r"\bfollow(?:ing)? up on (?:my|our|the)\b",
    r"进度(?!条)|进展|处理到哪|怎么样了|有结果了?吗|有人跟进|有人处理|还没(?:有)?(?:回复|处理|人理)|催一下|跟进一下",
    r"(?:工单|问题|反馈)(?:的)?状态|^\W*状态\W*$",
    r"什么时候(?:能)?(?:回复|解决|修复|处理)",
)
LIST_TICKETS = _any(
    r"\b(?:list|show|see|view|check)\b[^.?\n]{0,20}\b(?:tickets|cases|requests)\b",
    r"\bmy (?:open )?tickets\b|\bopen tickets\b|\ball (?:my |our )?tickets\b",
    r"工单列表|所有(?:的)?工单|查看(?:我的)?(?:全部|所有)?工单|哪些工单|几个工单",
)
HUMAN = _any(
    r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |some |your )?(?:human|person|agent|engineer|"
    r"someone|somebody|real person|support(?: team)?|people)\b",
    r"\b(?:human|real person|live agent|agent) please\b|^\W*(?:human|agent|operator)\W*$",
    r"\bconnect me (?:to|with)\b|\bget me (?:a|an) (?:human|person|engineer)\b",
    r"转人工|人工客服|找人工|联系人工|人工服务|真人|找个人|找工程师|技术支持联系",
)
NEW_TOPIC = _any(
    r"^\W*(?:start over|start again|new topic|new question|reset|restart|never ?mind|"
    r"forget (?:it|that|about it)|something else)\W*$",
    r"^\W*(?:i have )?(?:a |an )?(?:different|another|new|separate|unrelated|other) "
    r"(?:question|issue|problem|topic|thing|bug)\b[\s:,.!-]*",
    r"^\W*(?:重新开始|换个问题|换个话题|新问题|另一个问题|另外一个问题|其他问题|别的问题|不说这个了)"
    r"[\s：:，,。.！!]*",
)
SOLVED = _any(
    r"^\W*(?:that|it|this) (?:helped|helps|worked|works|did it|fixed it|solved it)\b",
    r"^\W*(?:it )?works now\b|^\W*(?:solved|resolved|fixed)\W*$|^\W*problem solved\b",
    r"^\W*(?:解决了|可以了|好了|搞定|有用|问题解决)",
    # "it's fixed now after upgrading, you can close it", "问题已经解决了，可以关闭工单"
    r"^\W*(?:it'?s|it is|that'?s|all) (?:fixed|solved|resolved|working|sorted)(?: now)?\b",
    r"\b(?:you can|please|feel free to|go ahead and) close (?:it|this|the ticket|my ticket)\b",
    r"^\W*问题(?:已经?)?解决|可以关(?:闭|掉)?(?:工单|了)|(?:把)?工单关(?:闭|掉)?(?:吧|了)",
)
THANKS = _any(
    r"^\W*(?:thanks?|thank you|thx|ty|cheers|great|perfect|awesome|got it|ok(?:ay)?|cool|"
    r"understood|nice|good|all good)\b",
    r"^\W*(?:谢谢|多谢|感谢|好的|明白了?|收到|了解|知道了|ok)",
)
GREETING = _any(
    r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening)|你好|您好|哈喽|在吗)\W*"
    r"(?:there|team|all)?\W*$"
)
YES = _any(
    r"^\W*(?:yes|yep|yeah|yup|exactly|correct|right|same(?: here| issue| problem)?|"
    r"that'?s (?:it|the one|right|my (?:issue|problem))|looks like it|sounds like it|matches)\b",
    r"^\W*(?:是的|对|没错|就是这个|就是它|一样|是这个)",
)
NO = _any(
    r"^\W*(?:no|nope|not (?:really|quite|that|it|the same|my (?:issue|problem))|different|"
    r"doesn'?t match|does not match|that'?s not it)\b",
    r"^\W*(?:不是|不对|不一样|没用|不是这个)",
)
GO_AHEAD = _any(
    r"\bgo ahead\b|\bjust (?:open|file|create|submit|log)\b",
    r"\b(?:open|file|create|submit|raise|log) (?:it|the ticket|a ticket|a bug|the report|"
    r"a support ticket|a case)\b",
    r"\bthat'?s all (?:i have|we have|i know|i can share)\b",
    r"\bno more (?:info|details|information)\b",
    r"直接提交|先提交|提交工单|创建工单|开工单|开个工单|提个工单|建个工单|就这些|没有更多|先这样",
)
COMMERCIAL = _any(
    r"\bpric(?:e|es|ing)\b|\bquot(?:e|ation)\b|\bdiscount\w*|\binvoice\w*|\bbilling\b|\brefund\w*",
    r"\bcontract\w*|\bcommitment\b|\bprocurement\b|\bpurchase order\b|\bhow much\b|\bcost\b",
    r"\b(?:upgrad|downgrad|chang|switch|mov)\w* (?:to |our |my |the |a )?(?:\w+ ){0,2}"
    r"(?:plan|tier|subscription|support plan|edition)\b",
    r"\b(?:upgrad|downgrad)\w* to (?:enterprise|pro|basic|premium)\b",
    r"\brenew\w* (?:our |my |the )?(?:plan|subscription|contract|licen[cs]e)\b",
    r"价格|报价|收费|费用|多少钱|折扣|优惠|合同|发票|开票|续费|续约|退款|购买|商务|升级套餐|降级|"
    r"(?:升级|换)(?:到|成)?(?:企业|专业|高级|旗舰)版",
)
ANOTHER = _any(
    r"\b(?:also|another|a different|a separate|an unrelated|a new|a second|one more|other)\b"
    r"[^.?!\n]{0,20}\b(?:issue|problem|bug|crash|thing)\b",
    r"^\W*(?:also|separately|besides|in addition|btw|by the way)\b",
    r"另外|还有一个|另一个|另一件|新的问题|其他问题|别的问题|顺便",
)
JUST_ASKING = _any(
    r"\b(?:just|only) (?:a|one) (?:quick )?question\b|\bquick question\b",
    r"^\W*(?:i have a|one more|another) question\b",
    r"问一下|请教一下|咨询一下|想问(?:一下)?",
)
QUESTION_START = re.compile(
    r"(?i)^\W*(?:how (?:to|do|can|should|does)|is (?:it|there)|can (?:i|we|you)|what|which|"
    r"where|why|does|do you|怎么|如何|怎样|请问|是否|能否|为什么|有没有|可以)"
)
HOW_TO = re.compile(
    r"(?i)^\W*(?:how (?:do|can|should) (?:i|we)|how to|where (?:do|can) (?:i|we)|"
    r"can i (?:download|see|find|change)|怎么|如何|在哪)"
)
REQUEST = re.compile(
    r"(?i)\b(?:we(?:'d| would) like|we want|i want|can we (?:get|have)|could we|please|"
    r"interested in|looking for)\b|我们想|我们希望|希望|想要|能否|可以给"
)
# Asks how to do, set up or fix something, or what an error means — anywhere in the message
# ("We just started. How are tokens signed?", "Does anybody know how to fix this?", "应该怎么配？").
ASKS_HOW = _any(
    r"(?:^|[.!?;:\n]\s*)(?:how (?:to|do|can|should|does|am|are|is)|where (?:do|can|should)|"
    r"what (?:do|should) (?:i|we))\b",
    r"\b(?:know|idea|tell me|explain|wondering) how\b|\bhow (?:to|do i|do we|can i|can we) fix\b",
    r"\bwhat (?:does|do) (?:it|this|that|these|those|the \w+(?: \w+)?) mean\b",
    r"\bwhat (?:am i|are we) (?:missing|doing wrong)\b",
    r"怎么(?:办|解决|处理|配置?|设置|部署|弄|修复|实现|接入|开启|开|用|搞)|如何|怎样|"
    r"是什么意思|什么意思|什么原因|哪里(?:没)?配|(?:需要|应该)(?:怎么|在哪)|"
    r"(?:从|在)哪(?:里|儿)?(?:拿|获取|取|找|看|设置|配置|调用)",
)
# Asks about what a report needs ("where do I find the logs?", "版本号在哪看？"): part of it.
ABOUT_REPORT = _any(
    r"\blogs?\b|\blogcat\b|\bconsole\b|\bversion\b|\bcrash (?:log|report)\b|\bstack ?trace\b",
    r"日志|版本|崩溃(?:日志|堆栈)|堆栈",
)
