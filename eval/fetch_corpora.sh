#!/usr/bin/env bash
# Rebuild the extra evaluation corpora (evaluation data, not product: kept out of git and CI).
#
#   eval/fetch_corpora.sh [DEST]      # DEST defaults to ../../evalcorpora from this folder
#
# Each corpus is exported from the commit named in eval/corpora/<name>/SOURCE.txt: only the
# documentation files, with the repository's LICENSE beside them. Needs git and network access
# to github.com (or set MIRROR_<NAME>=/path/to/bare/repo.git to export from a local mirror).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-$here/../../evalcorpora}"
mkdir -p "$dest"

export_corpus() {  # name repo commit path-in-repo into keep-regex [drop-regex]
  local name=$1 repo=$2 commit=$3 path=$4 into=$5 keep=$6 drop=${7:-}
  local mirror_var="MIRROR_${name//-/_}"
  local git_dir="${!mirror_var:-}"
  local scratch
  scratch="$(mktemp -d)"
  if [[ -z "$git_dir" ]]; then
    git clone --quiet --bare --filter=blob:none "https://github.com/$repo.git" "$scratch/repo.git"
    git_dir="$scratch/repo.git"
  fi
  rm -rf "${dest:?}/$name"
  mkdir -p "$dest/$name/docs"
  git --git-dir="$git_dir" archive "$commit" "$path" | tar -x -C "$dest/$name/$into"
  git --git-dir="$git_dir" show "$commit:LICENSE" > "$dest/$name/LICENSE"
  find "$dest/$name/docs" -type f | { grep -Ev "$keep" || true; } | xargs -r rm -f
  if [[ -n "$drop" ]]; then
    find "$dest/$name/docs" -depth -regextype posix-extended -regex "$drop" -exec rm -rf {} +
  fi
  find "$dest/$name/docs" -type d -empty -delete
  cp "$here/corpora/$name/SOURCE.txt" "$dest/$name/SOURCE.txt"
  rm -rf "$scratch"
  echo "$name: $(find "$dest/$name/docs" -type f | wc -l) files in $dest/$name"
}

# jpush-docs keeps the Chinese pages under zh/: they become docs/zh/...
export_corpus jpush-docs-zh jpush/jpush-docs 694250a1dffe29420306052f68712889498e2d21 zh docs \
  '\.md$' '.*/zh/themes'
# centrifugal.dev keeps its pages under docs/: they stay docs/...
export_corpus centrifugo-docs centrifugal/centrifugal.dev 910fa94598b3b995d3dbe93d3e4a6fbec832832a \
  docs . '\.mdx?$'
