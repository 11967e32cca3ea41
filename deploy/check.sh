#!/usr/bin/env bash
# Checks deploy/ and docker-compose.yml with the real tools, since no Docker
# engine runs here:
#   promtool check config / check rules / test rules  (Prometheus and alerts)
#   amtool check-config                                 (Alertmanager)
#   the dashboard's JSON, and each panel query parsed by promtool
#   docker compose config (or docker-compose, else a YAML parse)
# Missing tools are installed from Debian's packages when run as root with
# apt-get (set POPBOX_CHECK_NO_INSTALL=1 to forbid that). Exits non-zero on
# the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*"; }

# need TOOL PACKAGE: make TOOL available, installing PACKAGE if allowed.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [[ "${POPBOX_CHECK_NO_INSTALL:-}" != 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		log "installing $2 for $1"
		if [[ -z "${_apt_updated:-}" ]]; then apt-get update -qq >/dev/null; _apt_updated=1; fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
	fi
	command -v "$1" >/dev/null 2>&1 || { echo "check.sh: $1 not found (Debian package $2)" >&2; exit 1; }
}

need promtool prometheus
need amtool prometheus-alertmanager
need jq jq

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

log "prometheus config"
promtool check config --syntax-only deploy/prometheus/prometheus.yml
log "alert rules"
promtool check rules deploy/prometheus/rules/*.yml
log "alert rule unit tests"
promtool test rules deploy/prometheus/tests/*.yml
log "alertmanager config"
amtool check-config deploy/alertmanager/alertmanager.yml

log "grafana provisioning and dashboards"
for f in deploy/grafana/dashboards/*.json; do
	jq -e '.uid and .title and (.panels | length > 0)' "$f" >/dev/null
	# Every panel query must parse as PromQL once Grafana's variables are
	# replaced: check them as recording rules.
	{
		echo "groups: [{name: dashboard, rules: ["
		jq -r '[.panels[] | select(.targets) | .targets[].expr] | to_entries[]
			| (.value | gsub("\\$__rate_interval"; "5m") | gsub("\\$\\{?[a-z_]+\\}?"; ".*")) as $expr
			| "{record: \"dashboard:query_\(.key)\", expr: \($expr | tojson)},"' "$f"
		echo "]}]"
	} >"$tmp/dashboard-rules.yml"
	promtool check rules "$tmp/dashboard-rules.yml" >/dev/null || { echo "bad query in $f" >&2; exit 1; }
	echo "  $f: $(jq '[.panels[] | select(.targets) | .targets[]] | length' "$f") queries parse"
done

log "docker-compose.yml"
if docker compose version >/dev/null 2>&1; then
	compose() { docker compose -f docker-compose.yml "$@"; }
else
	need docker-compose docker-compose
	compose() { docker-compose -f docker-compose.yml "$@"; }
fi
compose config -q
services=$(compose config --services)
for service in redis api worker prometheus grafana jaeger alertmanager; do
	grep -qx "$service" <<<"$services" || { echo "docker-compose.yml: service $service missing" >&2; exit 1; }
done
echo "  docker-compose.yml: valid, every service present"

log "deploy checks passed"
