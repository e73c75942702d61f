#!/usr/bin/env bash
# Refresh the bundled IANA RDAP bootstrap snapshot (RFC 9224) in
# crates/core/data/iana-bootstrap/ from https://data.iana.org/rdap/.
#
# Each file is downloaded to a temporary name, checked (JSON with a non-empty
# "services" array and a "publication" date), and only then moved into place, so a
# failed or partial download never replaces a good file. build.rs compacts them
# at build time. Needs curl and node (both installed by scripts/setup.sh).
# Usage: scripts/refresh-bootstrap.sh   (then review `git diff` and commit)
set -euo pipefail

cd "$(dirname "$0")/.."
DEST=crates/core/data/iana-bootstrap
BASE=https://data.iana.org/rdap
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

status=0
for name in dns ipv4 ipv6 asn object-tags; do
  if ! curl --fail --silent --show-error --location --proto '=https' --max-time 60 \
       -o "$TMP/$name.json" "$BASE/$name.json"; then
    echo "refresh-bootstrap: could not download $BASE/$name.json; keeping the current copy" >&2
    status=1
    continue
  fi
  if ! node -e '
      const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      if (!Array.isArray(j.services) || j.services.length === 0) throw new Error("no services");
      if (typeof j.publication !== "string") throw new Error("no publication");
      console.log(`${process.argv[2]}: ${j.services.length} services, published ${j.publication}`);
    ' "$TMP/$name.json" "$name"; then
    echo "refresh-bootstrap: $name.json is not a bootstrap registry; keeping the current copy" >&2
    status=1
    continue
  fi
  mv "$TMP/$name.json" "$DEST/$name.json"
done
exit $status
