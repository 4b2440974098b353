#!/usr/bin/env bash
# Precomposes a Vosk model's lookahead graph (graph/HCLr.fst composed with graph/Gr.fst) into one static
# graph/HCLG.fst, which Vosk loads instead when it is there (vosk-api src/model.cc). Without it every
# recognizer composes the two on the fly and keeps its own composition cache; with it decoding costs about a
# quarter of the CPU for the same words, for ~230 MB of graph loaded once per process (README, Benchmarks).
#
# The recipe is Kaldi's own (utils/mkgraph_lookahead.sh --compose-graph: fstcompose, then fstrmsymbols
# disambig_tid.int, then fstconvert --fst_type=const), with Debian's OpenFst tools: fstrmsymbols is Kaldi's,
# and fstrelabel mapping each disambiguation id to epsilon (0) is the same operation. The model's Gr.fst
# lists "</s>" twice in its word table, which OpenFst 1.7 writes but cannot read back, so the composed graph
# carries no table and the words go to graph/words.txt, which Vosk reads when the graph has none.
#
# Run by the build (pom.xml) after the model is unpacked. Without the tools it says so and leaves the model
# as it is: the service works with either graph.
set -euo pipefail

model=${1:?usage: scripts/static-graph.sh MODEL_DIR}
graph=$model/graph
if [[ ! -f $graph/HCLr.fst || ! -f $graph/Gr.fst || ! -f $graph/disambig_tid.int ]]; then
  echo "static-graph: $graph has no lookahead graph (HCLr.fst, Gr.fst, disambig_tid.int); nothing to compose"
  exit 0
fi
if [[ -s $graph/HCLG.fst && $graph/HCLG.fst -nt $graph/HCLr.fst && $graph/HCLG.fst -nt $graph/Gr.fst ]]; then
  echo "static-graph: $graph/HCLG.fst is up to date"
  exit 0
fi

# The model's graphs are OpenFst extension types (olabel_lookahead, ngram), loaded from plugins that Debian
# ships in a versioned directory outside the library path.
plugin=$(find /usr/lib /usr/local/lib -name olabel_lookahead-fst.so 2>/dev/null | head -n 1 || true)
if ! command -v fstcompose >/dev/null 2>&1 || [[ -z $plugin || ! -f $(dirname "$plugin")/ngram-fst.so ]]; then
  echo "static-graph: OpenFst tools not found (Debian: apt-get install libfst-tools libfst22-plugins-base);" \
    "Vosk will compose the lookahead graph per call at run time instead, at about 4x the decoding CPU"
  exit 0
fi
export LD_LIBRARY_PATH=$(dirname "$plugin")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

echo "static-graph: composing $graph/HCLG.fst (about a minute and 1 GB of memory, once)"
tmp=$(mktemp -d "$graph/.static-graph.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fstsymbols --clear_isymbols --clear_osymbols --save_osymbols="$tmp/words-listed.txt" "$graph/Gr.fst" "$tmp/Gr.fst"
awk '!seen[$1]++' "$tmp/words-listed.txt" > "$tmp/words.txt"
awk '{ print $1, 0 }' "$graph/disambig_tid.int" > "$tmp/disambig-to-epsilon"
fstcompose "$graph/HCLr.fst" "$tmp/Gr.fst" "$tmp/composed.fst"
rm "$tmp/Gr.fst"
fstrelabel --relabel_ipairs="$tmp/disambig-to-epsilon" "$tmp/composed.fst" "$tmp/relabelled.fst"
rm "$tmp/composed.fst"
fstconvert --fst_type=const "$tmp/relabelled.fst" "$tmp/HCLG.fst"
rm "$tmp/relabelled.fst"
states=$(fstinfo "$tmp/HCLG.fst" | awk '/^# of states/ { print $NF }')
if [[ -z $states || $states -eq 0 ]]; then
  echo "static-graph: the composed graph is empty; keeping the lookahead graph" >&2
  exit 1
fi
# words.txt first: HCLG.fst's presence is what switches Vosk over.
mv "$tmp/words.txt" "$graph/words.txt"
mv "$tmp/HCLG.fst" "$graph/HCLG.fst"
echo "static-graph: $graph/HCLG.fst written ($states states, $(du -m "$graph/HCLG.fst" | cut -f1) MB)"
