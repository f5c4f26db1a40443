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
