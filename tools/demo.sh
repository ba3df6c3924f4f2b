#!/usr/bin/env bash
# make demo: start the simulator, run playbooks/demo.yml against it as an AWX credential would
# (connection in environment variables), stop the simulator whatever happens. Then, from the simulator's journal
# of each SBC run (tools/demo_report.py): a table of every request and the token that carried it, and
# build/demo/sbc_lock_timeline.svg, the configuration lock's life across token renewals.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
venv=$build/venv
collection_root=$build/collections
state=$build/demo-sim
log=$state/simulator.log

report=$build/demo
rm -rf "$state" "$build/demo-cache" "$report"
mkdir -p "$state" "$report"
"$venv/bin/python" "$root/tests/simulator" --port 0 --state-dir "$state" >"$log" 2>&1 &
sim_pid=$!
play_pid=
trap 'kill ${play_pid:+"$play_pid"} "$sim_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 100); do  # up to 20 s
    grep -q '^simulator ready' "$log" 2>/dev/null && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$log"; echo "simulator did not start" >&2; exit 1; }
    sleep 0.2
done
ready=$(grep '^simulator ready' "$log") || { cat "$log"; echo "simulator not ready after 20 s" >&2; exit 1; }
url=$(sed -n 's/.*url=\([^ ]*\).*/\1/p' <<<"$ready")
ca=$(sed -n 's/.*ca=\([^ ]*\).*/\1/p' <<<"$ready")
echo "$ready"

export ORACLE_SBC_URL=$url ORACLE_SBC_USERNAME=admin ORACLE_SBC_PASSWORD=sbc-admin-pass
export BIGFIX_INVENTORY_URL=$url BIGFIX_INVENTORY_USERNAME=bfi-user BIGFIX_INVENTORY_PASSWORD=bfi-pass
export BIGID_URL=$url BIGID_USER_TOKEN=bigid-user-token-0123456789
export APIAUTH_CA_PATH=$ca APIAUTH_TOKEN_CACHE_DIR=$build/demo-cache DEMO_REPORT_DIR=$report
export ANSIBLE_COLLECTIONS_PATH=$collection_root ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

cd "$collection_root/ansible_collections/apiauth/vendors"
# In the background so that a TERM or INT to this script stops the play and the simulator at once.
"$venv/bin/ansible-playbook" playbooks/demo.yml &
play_pid=$!
status=0
wait "$play_pid" || status=$?
play_pid=
[ "$status" = 0 ] || exit "$status"
echo
echo "What each SBC run sent (simulator journal; tokens shown as labels T1, T2, ... in the order they were issued):"
"$venv/bin/python" "$root/tools/demo_report.py" --table --svg "$report/sbc_lock_timeline.svg" "$report"/run-*.json
