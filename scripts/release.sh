#!/usr/bin/env bash
# Builds jwtkit's release archives: static binaries (CGO_ENABLED=0,
# -trimpath) for linux, darwin and windows on amd64 and arm64, each archived
# with README, CHANGELOG, the docs/*.md pages, shell completions and man pages,
# plus SHA256SUMS over the archives.
#
#   scripts/release.sh [--out DIR] [--targets "os/arch ..."] [--snapshot] [VERSION]
#
# VERSION defaults to the tag at HEAD; without one, pass VERSION or
# --snapshot (v0.0.0-snapshot-<commit>, dirty tree allowed: what CI builds).
# A release needs a clean tree. The version, build date, commit and commit
# time are linked in with -ldflags -X (cmd/version.go); SOURCE_DATE_EPOCH,
# when set, fixes the build date and file times for reproducible archives.
#
# A plain script rather than GoReleaser: GoReleaser cannot be installed
# here, and this is one loop of go build, tar/zip and sha256sum that anyone
# can read and run with the Go toolchain alone.
set -euo pipefail
# --out is the caller's: resolve a relative one against the folder the
# script was started in, before moving to the repository.
caller=$PWD
repo=$(cd "$(dirname "$0")/.." && pwd)

out=""
targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
snapshot=0
version=""
while (($#)); do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--targets) targets=$2; shift 2 ;;
	--snapshot) snapshot=1; shift ;;
	-h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "release.sh: unknown option $1" >&2; exit 2 ;;
	*) version=$1; shift ;;
	esac
done
case $out in
"") out=$repo/dist ;;
/*) ;;
*) out=$caller/$out ;;
esac
cd "$repo"

commit=$(git rev-parse HEAD)
commit_time=$(TZ=UTC git show -s --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD)
if [[ -z $version ]]; then
	if tag=$(git describe --tags --exact-match 2>/dev/null); then
		version=$tag
	elif ((snapshot)); then
		version="v0.0.0-snapshot-${commit:0:12}"
	else
		echo "release.sh: HEAD has no tag: give a VERSION or --snapshot" >&2
		exit 2
	fi
fi
if ((!snapshot)) && [[ -n $(git status --porcelain --untracked-files=no) ]]; then
	echo "release.sh: the working tree has uncommitted changes; commit them or use --snapshot" >&2
	exit 1
fi
if [[ -n ${SOURCE_DATE_EPOCH:-} ]]; then
	# GNU date takes -d @EPOCH; BSD (macOS) date takes -r EPOCH.
	build_date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null ||
		date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
else
	build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fi

pkg=github.com/jwtkit/jwtkit/cmd
ldflags="-s -w -X $pkg.version=$version -X $pkg.buildDate=$build_date -X $pkg.commit=$commit -X $pkg.commitTime=$commit_time"
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

gnutar=0
tar --version 2>/dev/null | grep -q 'GNU tar' && gnutar=1

archives=()
for t in $targets; do
	goos=${t%/*} goarch=${t#*/}
	name="jwtkit_${version#v}_${goos}_${goarch}"
	dir="$stage/$name"
	mkdir -p "$dir/completions" "$dir/man/man1" "$dir/docs"
	exe=jwtkit
	[[ $goos == windows ]] && exe=jwtkit.exe
	echo "building $name"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags "$ldflags" -o "$dir/$exe" .
	# docs/ keeps its path: the README and the pages link to docs/*.md, and to
	# nothing else by a relative link (TestDocsRelativeLinks in the root package).
	cp README.md CHANGELOG.md "$dir/"
	cp docs/*.md "$dir/docs/"
	cp completions/* "$dir/completions/"
	cp docs/man/*.1 "$dir/man/man1/"
	touch -d "$build_date" $(find "$dir")
	if [[ $goos == windows ]]; then
		(cd "$stage" && rm -f "$out/$name.zip" && zip -qrX "$out/$name.zip" "$name")
		archives+=("$name.zip")
	else
		if ((gnutar)); then
			tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$build_date" -cf - "$name" | gzip -n >"$out/$name.tar.gz"
		else
			tar -C "$stage" -cf - "$name" | gzip -n >"$out/$name.tar.gz"
		fi
		archives+=("$name.tar.gz")
	fi
done

cd "$out"
if command -v sha256sum >/dev/null; then
	sha256sum "${archives[@]}" >SHA256SUMS
else
	shasum -a 256 "${archives[@]}" >SHA256SUMS
fi
echo "wrote ${#archives[@]} archives and SHA256SUMS to $out ($version, built $build_date)"
