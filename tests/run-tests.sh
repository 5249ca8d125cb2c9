#!/usr/bin/env bash
# Runs every test project against the local stack (already started by ./vinted test) and prints one
# closing line "N passed, N failed, N skipped". No test run at all counts as a failure.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT

dotnet build Vinted.sln -c Release -nologo -v quiet --tl:off || { echo "build failed"; exit 1; }

# The Azure Functions app must publish as it would be deployed (functions.metadata, extensions, host.json); the unit
# tests check the metadata of the build's output.
dotnet publish functions/Vinted.Functions -c Release --no-build -nologo -v quiet --tl:off -o "$RESULTS/functions-app" \
  && [[ -s $RESULTS/functions-app/functions.metadata ]] || { echo "publish of the function app failed"; exit 1; }
# Vinted.Functions.Tests check that folder (PublishOutputTests) instead of publishing again.
export VINTED_FUNCTIONS_PUBLISH_DIR=$RESULTS/functions-app

# The browser tests need Debian's chromium; installed here when missing.
infra/local/chromium.sh || { echo "chromium install failed"; exit 1; }

# One test project after another, never in parallel: `dotnet test Vinted.sln` runs projects side by side, and a
# test that restarts PostgreSQL or stops the S3 server would break another project's tests; the machine also has
# two cores. The projects are every csproj under tests/ that MSBuild calls a test project (the benchmarks and the
# support library tests/Vinted.Testing are not).
status=0
failed_projects=()
mapfile -t projects < <(find tests -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  [[ $name == *Benchmarks* ]] && continue
  [[ $(dotnet msbuild "$project" -getProperty:IsTestProject 2>/dev/null) == true ]] || continue
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo --tl:off \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" "$@" \
    -- RunConfiguration.TestSessionTimeout=3600000 || { status=1; failed_projects+=("$name"); }
done

# The PostgreSQL provider ships alone: it is packed as a NuGet package (a fresh version each run, so the NuGet cache
# never serves an older build), and its sample console app, which references only that package (restored from the
# pack's folder), runs an orchestration on the stack's PostgreSQL and prints the result.
echo "== DurableTask.PostgreSql: pack, and the sample app from the package"
package_version=0.0.0-ci.$(date +%s)
if dotnet pack shared/DurableTask.PostgreSql -c Release --no-build -nologo -v quiet --tl:off -o "$RESULTS/packages" -p:Version="$package_version" \
  && dotnet build samples/DurableTask.PostgreSql.Sample -c Release -nologo -v quiet --tl:off \
       -p:RestoreAdditionalProjectSources="$RESULTS/packages" -p:DurableTaskPostgreSqlVersion="$package_version" \
  && dotnet samples/DurableTask.PostgreSql.Sample/bin/Release/net10.0/DurableTask.PostgreSql.Sample.dll; then
  echo "packed $(basename "$RESULTS"/packages/*.nupkg); the sample ran"
else
  status=1; failed_projects+=("DurableTask.PostgreSql pack and sample")
fi

# The whole daily pipeline once at about 100,000 listings, every stage with a production price model in place, through
# the benchmark (its stage table is printed). No timing is asserted: a stage that grows with the square of the day
# runs past CI's limit instead. Skipped when the caller narrows the tests (any argument).
if [[ $# -eq 0 ]]; then
  echo "== the whole pipeline at ~100,000 listings"
  dotnet run --project tests/Vinted.Benchmarks -c Release --no-build -- pipeline --listings 71000 \
    || { status=1; failed_projects+=("pipeline at 100,000 listings"); }
fi

# What the Azure tests found, printed for the record: the compiled Bicep template's resources, the app settings each
# worker setting is required by, the extensions serving each binding (the tests' own output, kept in their trx).
# The stand-in Functions host's test too (Vinted.Functions.HostTests): what the worker reported, loaded and answered.
if [[ -f $RESULTS/Vinted.Functions.Tests.trx || -f $RESULTS/Vinted.Functions.HostTests.trx ]] && command -v python3 >/dev/null; then
  echo "== Azure: what Vinted.Functions.Tests and Vinted.Functions.HostTests checked"
  python3 - "$RESULTS"/Vinted.Functions.Tests.trx "$RESULTS"/Vinted.Functions.HostTests.trx <<'PY'
import os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
results = [r for f in sys.argv[1:] if os.path.exists(f) for r in ET.parse(f).getroot().iterfind(".//t:UnitTestResult", ns)]
for result in results:
    out = result.find("t:Output/t:StdOut", ns)
    if out is not None and out.text and any(k in result.get("testName") for k in ("BicepTests", "AppSettingsTests", "PublishOutputTests", "StandInHostTests")):
        print(f"-- {result.get('testName').rsplit('.', 1)[-1]} ({result.get('outcome')})")
        print(out.text.rstrip())
PY
fi

passed=0 failed=0 skipped=0 total=0
for trx in "$RESULTS"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(get total)))
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [[ $total -eq 0 ]]; then
  echo "no test ran: failing the run"
  exit 1
fi
if [[ $status -ne 0 ]]; then
  echo "failing test projects: ${failed_projects[*]}"
  # Again, short, at the very end: CI keeps only the tail of the output.
  if command -v python3 >/dev/null; then
    python3 tests/tools/trx-failures.py "$RESULTS"/*.trx
  fi
fi
[[ $failed -eq 0 && $status -eq 0 ]] || exit 1
