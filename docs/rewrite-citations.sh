#!/usr/bin/env bash
# Rewrites citations in the workspace's *.rs files into the forms that resolve in docs/
# (checked by tests/tests/docs_citations.rs). Touches comment and message text only.
# Safe to rerun: every rule rewrites only the old form.
#
# Usage: docs/rewrite-citations.sh [repo-root] [shared-reference-dir]
#   shared-reference-dir (default /work/shared/reference) holds the original notes whose line
#   numbers some citations use; "X.md line N" becomes "X.md §S" for the section holding line N.
#   Without it that step is skipped and the citation test names what is left.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
shared="${2:-/work/shared/reference}"
cd "$root"
mapfile -t files < <(find . -name target -prune -o -name .git -prune -o -name '*.rs' -print)

# 1. Paths to the documents outside the repository.
sed -i \
  -e 's#/work/shared/reference/\([a-z-]*\.md\)#docs/\1#g' \
  -e 's#shared/reference/\([a-z-]*\.md\)#docs/\1#g' \
  -e 's#/work/shared/docs/\([a-z-]*\.md\)#docs/\1#g' \
  -e 's#shared/docs/\([a-z-]*\.md\)#docs/\1#g' \
  -e 's#`/work/shared/seeds/\(00[0-3]\)_[0-9a-f]*\.txt`#seed \1, `docs/sources.md`#g' \
  -e 's#/work/shared/seeds/\(00[0-3]\)_[0-9a-f]*\.txt#seed \1 (docs/sources.md)#g' \
  "${files[@]}"

# 2. "X.md line N" (a line of the original notes) -> "X.md §S" (the section holding line N).
section_of() { # doc line -> "§9.2 CreateGameSessionQueue" or "§7"
  awk -v want="$2" '
    /^##+ [0-9]/ { split($0, w, " "); num = w[2]; sub(/\.$/, "", num); name = "" }
    /^#### / { name = substr($0, 6) }
    NR == want { print "§" num (name == "" ? "" : " " name); exit }' "$shared/$1.md"
}
if [ -d "$shared" ]; then
  for doc in sdk-wire-protocol service-api; do
    for n in $(grep -rhoE --include='*.rs' --exclude-dir=target "$doc\.md line [0-9]+" . \
               | grep -oE '[0-9]+$' | sort -un); do
      s="$(section_of "$doc" "$n")"
      [ -n "$s" ] && sed -i "s/$doc\.md line $n\b/$doc.md $s/g" "${files[@]}"
    done
  done
else
  echo "rewrite-citations: $shared not found, line-number citations of the notes left as they are" >&2
fi

# 3. Citations whose document was only implied by an earlier one (the test reads a bare § or
#    "line N" as the document named last, which here was a different one).
sed_if() { [ -f "$1" ] && sed -i "$2" "$1" || true; }
sed_if core/src/matchmaking/matchmaker_data.rs \
  's/(§5\.2)/(sdk-wire-protocol.md §5.2)/g; s/counted over the §5\.2$/counted over the sdk-wire-protocol.md §5.2/'
sed_if emulator/src/sdk_wire/tests.rs 's/follows the §5\.2 layout/follows the sdk-wire-protocol.md §5.2 layout/'
sed_if tests/tests/gateway_pushes.rs 's/game servers read (§4\.1, §5\.2)/game servers read (sdk-wire-protocol.md §4.1, §5.2)/'
sed_if flexmatch/src/exhaustive.rs 's/`distanceSort`, lines 3040/`distanceSort`, guide lines 3040/'
sed_if emulator/src/api/handlers/arns_tests.rs "s|^\(\s*///\) line 101: a game session's ARN|\1 §7: a game session's ARN|"
sed_if tests/tests/api_compute_e2e.rs 's/the query.s `ComputeId`, line 42)/the query'"'"'s `ComputeId`, §1.2)/'

# 4. Section names that paraphrase the guide's heading: the heading as the guide writes it.
sed -i -e 's/guide, "从客户端服务发送回填请求"/guide, "发送回填请求（从客户端服务）"/g' "${files[@]}"
