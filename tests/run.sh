#!/usr/bin/env bash
# Every test of the collection, from a fresh Debian 12 machine: set-up (apt
# packages, Docker engine, virtualenv, lab images), lint, sanity, unit tests,
# build and install of the collection tarball, and every molecule scenario on
# real lab hosts. Prints each stage's duration and a closing count.
#
#   tests/run.sh                 everything
#   tests/run.sh lint unit       only the named stages
#   SCENARIOS="docker default" tests/run.sh molecule
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root" || exit 1
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections"
export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1 MOLECULE_NO_LOG=false
logs="$root/build/test-logs"
mkdir -p "$logs"

all_stages=(bootstrap images lint unit sanity build bad_input molecule secrets)
read -r -a scenarios <<<"${SCENARIOS:-docker services serverless_check default default_deb13 cluster}"
stages=("$@")
((${#stages[@]})) || stages=("${all_stages[@]}")

passed=0 failed=0
declare -a summary

run_stage() {
  local name="$1"; shift
  local start=$SECONDS log="$logs/$name.log" rc
  printf '\n=== %s\n' "$name"
  "$@" >"$log" 2>&1
  rc=$?
  local took=$((SECONDS - start))
  if ((rc == 0)); then
    passed=$((passed + 1)); summary+=("$(printf 'PASS  %-26s %5d s' "$name" "$took")")
    tail -n 5 "$log"
  else
    failed=$((failed + 1)); summary+=("$(printf 'FAIL  %-26s %5d s  (log: %s)' "$name" "$took" "${log#"$root"/}")")
    tail -n 60 "$log"
  fi
  printf '=== %s: %s in %d s\n' "$name" "$( ((rc == 0)) && echo passed || echo FAILED)" "$took"
  return $rc
}

stage_bootstrap() { "$root/lab/bootstrap.sh"; }
stage_images() { "$root/lab/build-host-images.sh" && LAB_PYTHON="$root/.venv/bin/python" "$root/lab/server-image/build.sh"; }
stage_lint() { ansible-lint --profile production --offline; }
stage_unit() { python -m pytest -q tests/unit; }
# Every bad input of tests/bad_input/cases.yml refused before any change, by
# the playbooks run against this machine (validate changes nothing).
stage_bad_input() { python tests/bad_input/run.py; }
stage_sanity() {
  # ansible-test wants the tree at .../ansible_collections/<ns>/<name>, outside
  # any git checkout that ignores it.
  local tmp dest rc
  tmp="$(mktemp -d)"
  dest="$tmp/ansible_collections/langgraph_ops/standalone"
  mkdir -p "$dest"
  git ls-files -co --exclude-standard -z | rsync -a --from0 --files-from=- ./ "$dest/"
  (cd "$dest" && ansible-test sanity --python 3.11 --color no --requirements \
     --exclude molecule/ --exclude lab/ --exclude bench/ --exclude .ci/)
  rc=$?
  rm -rf "$tmp"
  return $rc
}
stage_build() {
  local dist="$root/build/dist" inst
  inst="$(mktemp -d)"
  rm -rf "$dist" && mkdir -p "$dist"
  ansible-galaxy collection build "$root" --output-path "$dist" &&
  ANSIBLE_COLLECTIONS_PATH="$inst" ansible-galaxy collection install "$dist"/langgraph_ops-standalone-*.tar.gz -p "$inst" --no-deps --force &&
  test -f "$inst/ansible_collections/langgraph_ops/standalone/roles/docker/meta/argument_specs.yml" &&
  ! tar -tzf "$dist"/langgraph_ops-standalone-*.tar.gz | grep -E '^(lab|bench|molecule|\.ci|\.cache)/' &&
  ANSIBLE_COLLECTIONS_PATH="$inst" ansible-doc -t role langgraph_ops.standalone.docker | grep -q docker_install_source &&
  ANSIBLE_COLLECTIONS_PATH="$inst" ansible-doc -t role langgraph_ops.standalone.langgraph_server | grep -q langgraph_server_image &&
  ANSIBLE_COLLECTIONS_PATH="$inst" ansible-doc langgraph_ops.standalone.serverless_check | grep -q fail_on_warnings &&
  ANSIBLE_COLLECTIONS_PATH="$inst" ansible-playbook --syntax-check -i localhost, langgraph_ops.standalone.site &&
  echo "built and installed $(basename "$dist"/langgraph_ops-standalone-*.tar.gz); ansible-doc renders"
  local rc=$?; rm -rf "$inst"; return $rc
}

# The scenarios run with ANSIBLE_VERBOSITY=1, so every task result is in
# their logs: none may contain a password the scenarios deploy with.
stage_secrets() {
  python - "$logs" molecule/*/molecule.yml <<'PY'
import pathlib, sys, yaml
sys.path.insert(0, "tests")
from secret_values import secret_values
logs, files = pathlib.Path(sys.argv[1]), sys.argv[2:]
secrets = {s for f in files for s in secret_values(yaml.safe_load(open(f)))}
scanned = sorted(logs.glob("molecule:*.log"))
if not scanned:
    sys.exit("no molecule logs to scan")
leaks = [(log.name, secret) for log in scanned for secret in secrets if secret in log.read_text(errors="replace")]
for name, secret in leaks:
    print(f"{name}: contains the password {secret[:2]}...")
print(f"scanned {len(scanned)} logs for {len(secrets)} lab passwords: {len(leaks)} found")
sys.exit(1 if leaks else 0)
PY
}

total_start=$SECONDS
for stage in "${stages[@]}"; do
  case "$stage" in
    molecule)
      for scenario in "${scenarios[@]}"; do
        run_stage "molecule:$scenario" molecule test -s "$scenario"
      done ;;
    bootstrap)
      # Later stages need the tools, so a failed set-up ends the run.
      run_stage bootstrap stage_bootstrap || break
      export PATH="$root/.venv/bin:$PATH" ;;
    images) run_stage images stage_images || break ;;
    lint|unit|sanity|build|bad_input|secrets) run_stage "$stage" "stage_$stage" ;;
    *) echo "unknown stage: $stage (known: ${all_stages[*]})"; exit 2 ;;
  esac
done

printf '\n=== summary (%d s in all)\n' "$((SECONDS - total_start))"
printf '%s\n' "${summary[@]}"
printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
