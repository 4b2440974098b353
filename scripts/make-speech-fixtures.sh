#!/usr/bin/env bash
# make-speech-fixtures.sh - turn call scripts into test audio shaped like Twilio Media Streams.
#
# Usage:  scripts/make-speech-fixtures.sh src/test/resources/calls/*.txt
#
# Why: tests for the transcription path need real, recognisable speech in the exact
# format Twilio sends (headerless G.711 mu-law, 8000 Hz, mono), with known pauses and
# known sentence positions, so that silence detection and turn-taking can be asserted.
# Speech comes from flite (offline TTS), everything else from sox; nothing is downloaded.
#
# Call script NAME.txt, one sentence per line:   VOICE<TAB>PAUSE_AFTER_MS<TAB>sentence text
#   - PAUSE_AFTER_MS may end in '!': the next sentence cuts in, starting on time even if the line is
#     still talking (the manifest marks it "cutsIn": true); otherwise a simulated caller waits for the line
#   - lines starting with '#' are comments; blank lines are ignored
#   - a comment line may carry per-file options:  # speed=1.1 gain_db=-6
#     speed  : tempo factor applied to every sentence (sox tempo -s), default 1.0
#     gain_db: gain applied to every sentence after peak normalisation (sox gain), default 0
#
# Writes next to NAME.txt (overwriting; inputs unchanged):
#   NAME.ulaw  raw mu-law 8000 Hz mono: 500 ms lead-in, each sentence followed by its pause,
#              low-level white noise (about -60 dBFS RMS) over the whole call
#   NAME.wav   the same call decoded from NAME.ulaw and resampled to 16 kHz 16-bit PCM mono
#   NAME.json  manifest with the exact position of every sentence in NAME.ulaw
#
# Per sentence: flite (16 kHz voice) -> trim flite's own leading/trailing silence ->
# optional tempo -> rate -v 8000 -> normalise to -3 dBFS peak -> optional gain.
# Each sentence is padded with zeros to a whole millisecond (< 1 ms), and the final pause
# is extended by < 20 ms so the file is a whole number of 20 ms / 160-byte Twilio frames.
# Timings are computed from the sample counts sox reports (soxi -s), never estimated.
# Output is deterministic: flite is deterministic and every sox call runs with -R
# (repeatable mode: fixed seed for the whitenoise generator and for dither).
#
# Needs: bash, flite, sox/soxi (Debian: apt-get install -y flite sox).
set -euo pipefail

readonly RATE=8000                # Twilio Media Streams sample rate
readonly SPMS=$((RATE / 1000))    # samples per millisecond
readonly FRAME=160                # samples per 20 ms Twilio media frame
readonly LEAD_MS=500              # silence before the first sentence
readonly PEAK_DB=-3               # per-sentence peak level before the file gain
readonly NOISE_GAIN_DB=-55        # sox whitenoise is uniform full scale (-4.8 dBFS RMS); this gives about -60
readonly TRIM_PCT=0.3%            # trim threshold: above awb's recorded room noise, below soft onsets

die() { printf 'make-speech-fixtures: %s\n' "$*" >&2; exit 1; }

for tool in flite sox soxi; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (apt-get install -y flite sox)"
done
[[ $# -gt 0 ]] || die "usage: $0 CALL_SCRIPT.txt [...]"

# Voices compiled into this flite, e.g. "kal awb_time kal16 awb rms slt".
VOICES=" $(flite -lv | sed 's/^Voices available://') "

WORK=$(mktemp -d "${TMPDIR:-/tmp}/speech-fixtures.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

sox_r() { sox -R -V2 "$@"; }     # repeatable; -V2 shows errors and warnings (e.g. clipping)

json_str() {                     # print $1 as a JSON string literal
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

is_number() { [[ $1 =~ ^-?[0-9]+([.][0-9]+)?$ ]]; }

make_one() {
  local script=$1
  [[ -f $script ]] || die "$script: no such file"
  [[ $script == *.txt ]] || die "$script: call scripts must end in .txt"
  local dir base name
  dir=$(dirname -- "$script")
  base=${script%.txt}
  name=$(basename -- "$base")

  local tmp="$WORK/$name"
  rm -rf -- "$tmp" && mkdir -p -- "$tmp"

  # ---- parse ---------------------------------------------------------------
  local speed=1.0 gain_db=0 lineno=0 line tok voice rest pause text
  local -a voices=() pauses=() texts=() toks=() cuts=()
  local cut_next=false
  while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*$ ]] && continue
    if [[ $line == \#* ]]; then
      read -ra toks <<< "${line#\#}"
      for tok in "${toks[@]}"; do
        case $tok in
          speed=*)   speed=${tok#speed=} ;;
          gain_db=*) gain_db=${tok#gain_db=} ;;
        esac
      done
      continue
    fi
    [[ $line == *$'\t'*$'\t'* ]] || die "$script:$lineno: expected VOICE<TAB>PAUSE_AFTER_MS<TAB>text"
    voice=${line%%$'\t'*}; rest=${line#*$'\t'}
    pause=${rest%%$'\t'*}; text=${rest#*$'\t'}
    [[ $VOICES == *" $voice "* ]] || die "$script:$lineno: unknown flite voice '$voice' (have:$VOICES)"
    [[ $pause =~ ^[0-9]+!?$ ]] || die "$script:$lineno: pause '$pause' is not a whole number of ms (optionally followed by !)"
    text=$(printf '%s' "$text" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    [[ -n $text ]] || die "$script:$lineno: empty sentence"
    cuts+=("$cut_next")
    if [[ $pause == *! ]]; then cut_next=true; pause=${pause%!}; else cut_next=false; fi
    voices+=("$voice"); pauses+=("$((10#$pause))"); texts+=("$text")
  done < "$script"
  [[ ${#texts[@]} -gt 0 ]] || die "$script: no sentences"
  is_number "$speed" && [[ $(awk -v s="$speed" 'BEGIN{print (s>0)}') == 1 ]] \
    || die "$script: speed must be a positive number, got '$speed'"
  is_number "$gain_db" || die "$script: gain_db must be a number, got '$gain_db'"

  local -a effects=(silence 1 0.02 "$TRIM_PCT" reverse silence 1 0.02 "$TRIM_PCT" reverse)
  [[ $(awk -v s="$speed" 'BEGIN{print (s==1)}') == 1 ]] || effects+=(tempo -s "$speed")
  effects+=(rate -v "$RATE" gain -n "$PEAK_DB")
  [[ $(awk -v g="$gain_db" 'BEGIN{print (g==0)}') == 1 ]] || effects+=(gain "$gain_db")

  # ---- render sentences ----------------------------------------------------
  local i nraw n pad cursor=$((LEAD_MS * SPMS)) last=$((${#texts[@]} - 1)) rate
  local -a segs=() starts=() ends=()
  for i in "${!texts[@]}"; do
    flite -voice "${voices[i]}" -t "${texts[i]}" -o "$tmp/raw$i.wav"
    rate=$(soxi -r "$tmp/raw$i.wav")
    [[ $rate == 16000 ]] || printf 'make-speech-fixtures: warning: %s line %d: voice %s is %s Hz, not 16 kHz\n' \
      "$script" "$((i + 1))" "${voices[i]}" "$rate" >&2
    sox_r "$tmp/raw$i.wav" -b 16 -e signed-integer -c 1 "$tmp/speech$i.wav" "${effects[@]}"
    nraw=$(soxi -s "$tmp/speech$i.wav")
    [[ $nraw -gt 0 ]] || die "$script: sentence $((i + 1)) is empty after trimming: ${texts[i]}"
    n=$(( (nraw + SPMS - 1) / SPMS * SPMS ))         # round up to a whole ms
    starts+=("$((cursor / SPMS))")
    cursor=$((cursor + n))
    ends+=("$((cursor / SPMS))")
    cursor=$((cursor + pauses[i] * SPMS))
    pad=$((n - nraw + pauses[i] * SPMS))
    if [[ $i -eq $last ]]; then                      # whole number of 20 ms frames
      pad=$((pad + (FRAME - cursor % FRAME) % FRAME))
      cursor=$((cursor + (FRAME - cursor % FRAME) % FRAME))
    fi
    if [[ $i -eq 0 ]]; then
      sox_r "$tmp/speech$i.wav" "$tmp/seg$i.wav" pad "$((LEAD_MS * SPMS))s" "${pad}s"
    else
      sox_r "$tmp/speech$i.wav" "$tmp/seg$i.wav" pad 0 "${pad}s"
    fi
    segs+=("$tmp/seg$i.wav")
  done
  local total=$cursor

  # ---- assemble, add line noise, encode ------------------------------------
  if [[ ${#segs[@]} -eq 1 ]]; then cp "${segs[0]}" "$tmp/speech.wav"
  else sox_r "${segs[@]}" "$tmp/speech.wav"; fi
  [[ $(soxi -s "$tmp/speech.wav") -eq $total ]] || die "$script: internal error: length mismatch"
  # Input options go before -n: otherwise synth runs at sox's default 48 kHz and is resampled.
  sox_r -r "$RATE" -c 1 -n -b 16 -e signed-integer "$tmp/noise.wav" \
    synth "${total}s" whitenoise gain "$NOISE_GAIN_DB"
  [[ $(soxi -s "$tmp/noise.wav") -eq $total ]] || die "$script: internal error: noise length mismatch"
  sox_r -m -v 1 "$tmp/speech.wav" -v 1 "$tmp/noise.wav" \
    -t raw -e mu-law -b 8 -r "$RATE" -c 1 "$tmp/out.ulaw"
  [[ $(stat -c %s "$tmp/out.ulaw") -eq $total ]] || die "$script: internal error: mu-law size mismatch"
  sox_r -t raw -e mu-law -b 8 -r "$RATE" -c 1 "$tmp/out.ulaw" \
    -t wav -e signed-integer -b 16 -c 1 "$tmp/out.wav" rate -v 16000
  [[ $(soxi -r "$tmp/out.wav") -eq 16000 ]] || die "$script: internal error: wav rate"

  {
    printf '{\n  "name": %s,\n  "sampleRate": %d,\n  "durationMs": %d,\n  "sentences": [\n' \
      "$(json_str "$name")" "$RATE" "$((total / SPMS))"
    for i in "${!texts[@]}"; do
      printf '    {"voice": %s, "text": %s, "startMs": %d, "endMs": %d%s}%s\n' \
        "$(json_str "${voices[i]}")" "$(json_str "${texts[i]}")" "${starts[i]}" "${ends[i]}" \
        "$([[ ${cuts[i]} == true ]] && printf ', "cutsIn": true')" "$([[ $i -eq $last ]] || printf ',')"
    done
    printf '  ]\n}\n'
  } > "$tmp/out.json"

  mv -f "$tmp/out.ulaw" "$base.ulaw"
  mv -f "$tmp/out.wav" "$base.wav"
  mv -f "$tmp/out.json" "$base.json"
  printf '%s: %d sentences, %d ms -> %s.{ulaw,wav,json}\n' "$script" "${#texts[@]}" "$((total / SPMS))" "$dir/$name"
}

for f in "$@"; do make_one "$f"; done
