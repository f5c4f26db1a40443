# Shared by the lab images' service scripts: run a daemon in the foreground under a pid file, stop it and wait.
# usage from a service script: . /etc/airlock-lab/service-lib.sh; svc_main "$1" NAME COMMAND...
svc_main() {
  action=$1; name=$2; shift 2
  pidfile=/run/airlock-lab-$name.pid
  running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
  case "$action" in
    start)
      running && return 0
      setsid "$@" </dev/null >>/var/log/airlock-lab/"$name".log 2>&1 &
      echo $! > "$pidfile"
      ;;
    stop)
      running || return 0
      pid=$(cat "$pidfile"); kill -TERM "$pid" 2>/dev/null
      i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
      rm -f "$pidfile"
      ;;
    status) running ;;
    *) echo "usage: $0 start|stop|status" >&2; return 1 ;;
  esac
}

# Debian's valkey-server as valkey.service runs it: user valkey, /etc/valkey/valkey.conf, in the foreground. /run is
# not a tmpfs here (no systemd), so its RuntimeDirectory is made only when missing: the install's createValkeySocket
# step changes its owner and mode, and a restart must keep them.
exec_valkey() {
  if [ "$1" = start ]; then
    [ -d /run/valkey ] || { mkdir -p /run/valkey && chown valkey:valkey /run/valkey && chmod 2755 /run/valkey; }
    mkdir -p /var/log/valkey && chown valkey:valkey /var/log/valkey
  fi
  svc_main "$1" valkey-server /usr/bin/setpriv --reuid=valkey --regid=valkey --init-groups \
    /usr/bin/valkey-server /etc/valkey/valkey.conf --daemonize no
  rc=$?
  if [ "$1" = start ]; then
    # callers (and `systemctl restart`) expect a server that answers when start returns
    i=0; until valkey-cli -p "$(sed -n 's/^port //p' /etc/valkey/valkey.conf | tail -1)" ping >/dev/null 2>&1 \
      || { s=$(sed -n 's/^unixsocket //p' /etc/valkey/valkey.conf | tail -1); [ -n "$s" ] && valkey-cli -s "$s" ping >/dev/null 2>&1; }; do
      i=$((i+1)); [ $i -gt 100 ] && return 1; sleep 0.1
    done
  fi
  return $rc
}
