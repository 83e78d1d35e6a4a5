#!/usr/bin/env bash
# Run a command with a throwaway Dovecot IMAP server on loopback (one mailbox, user "support",
# password "support-pw"), exported as DESKBOT_TEST_IMAP_URL. Without Dovecot the command runs
# anyway (the IMAP tests skip) — except in CI (CI=true), which installs it when missing, as
# scripts/with_postgres.sh does for PostgreSQL.
set -euo pipefail

if ! command -v dovecot >/dev/null 2>&1 && [ "${CI:-}" = "true" ] && [ "$(id -u)" = 0 ]; then
  echo "with_dovecot: installing Dovecot (CI)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null) || true
fi
if ! command -v dovecot >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "with_dovecot: Dovecot is required in CI but is not installed" >&2
    exit 1
  fi
  echo "with_dovecot: no Dovecot here; the IMAP tests will be skipped" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/deskbot-imap.XXXXXX)
chmod 755 "$dir"
port=${DESKBOT_TEST_IMAP_PORT:-$((57000 + RANDOM % 2000))}
login_user=$(id -un); internal_user=$login_user; mail_uid=$(id -u); mail_gid=$(id -g)
if [ "$(id -u)" = 0 ]; then
  # Dovecot will not run its login processes or touch mail as root: use its own users.
  login_user=dovenull; internal_user=dovecot
  mail_uid=$(id -u dovecot); mail_gid=$(id -g dovecot)
fi
mkdir -p "$dir/run" "$dir/mail"
chown "$mail_uid:$mail_gid" "$dir/mail"
echo "support:{PLAIN}support-pw" > "$dir/users"
cat > "$dir/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal_user
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$dir/mail/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
CONF
dovecot -F -c "$dir/dovecot.conf" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "${KEEP_DOVECOT_LOG:-}" ] && cat "$dir/log" >&2; rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
export DESKBOT_TEST_IMAP_URL="imap://support:support-pw@127.0.0.1:$port/INBOX"
echo "with_dovecot: Dovecot on 127.0.0.1:$port" >&2
"$@"
