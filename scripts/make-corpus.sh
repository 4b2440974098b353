#!/usr/bin/env bash
# make-corpus.sh - render the recognised-speech corpus (corpus/README.md) to telephone audio.
#
# Usage:  scripts/make-corpus.sh [--force] OUT_DIR CALL_FILE...
#   e.g.  scripts/make-corpus.sh target/corpus/dev corpus/dev/*.call
#
# Why: the line is measured on callers it was not tuned on, so each scripted call is spoken by one of
# many synthetic voices, at varied tempo and loudness, some with line noise, and squeezed through the
# telephone band into exactly what Twilio Media Streams sends (headerless G.711 mu-law, 8000 Hz, mono).
# Nothing is downloaded: speech comes from flite and espeak-ng, everything else from sox.
#
# Every CALL_FILE (corpus/{dev,locked}/NAME.call) is validated first; any error (reported as file:line)
# stops the run before anything is rendered. Then, for each call, writes into OUT_DIR (created):
#   NAME.ulaw  raw mu-law 8000 Hz mono: @lead ms of silence, each sentence followed by its scripted pause,
#              a whole number of 20 ms / 160-byte Twilio frames
#   NAME.json  manifest (format in scripts/README.md): the call's labels, how it was rendered, and where
#              every sentence is in NAME.ulaw
# A call is skipped when both outputs are newer than its .call file and this script and were rendered
# with the voice it is assigned now (--force renders it anyway).
#
# How a call sounds (a .call header overrides each choice; normally none is given):
#   voice  @voice, else VOICES[i mod |VOICES|], i = the call's index among the sorted .call files of its
#          own directory: a slice renders as the whole part does, and each part uses every voice
#   tempo  @tempo, else from the cksum of NAME:    0.9 | 1.0 | 1.1 | 1.2
#   gain   @gain_db, else from the cksum of NAME:  0 | -4 | -8 | -14 dB after peak normalisation to -3 dBFS
#   noise  @noise, else from the cksum of NAME:    none (30%) | hiss (40%) | hiss+hum (30%)
#
# Per sentence: TTS -> trim the voice's own leading/trailing silence -> 6 dB headroom -> tempo
# (sox tempo -s) -> rate -v 8000 -> telephone band (sinc 300-3400) -> normalise to -3 dBFS peak -> gain.
# Then the sentences and silences are joined, the line noise is mixed in, and the call is encoded.
# Each sentence is padded with zeros to a whole millisecond (< 1 ms), and the final pause is extended
# by < 20 ms to a whole frame. Timings come from the sample counts of the rendered audio, never from
# estimates. Output is byte-identical on re-run: flite and espeak-ng are deterministic and every sox
# call runs with -R (fixed seed for the noise generator and for dither).
#
# Needs: bash, flite, espeak-ng, sox, cksum, awk, sed (Debian: apt-get install -y flite espeak-ng sox).
set -euo pipefail
export LC_ALL=C      # byte-wise sorting of the voice-assignment listing; text is ASCII (validated)

readonly RATE=8000                # Twilio Media Streams sample rate
readonly SPMS=$((RATE / 1000))    # samples per millisecond
readonly FRAME=160                # samples per 20 ms Twilio media frame
readonly DEFAULT_LEAD_MS=500
readonly PEAK_DB=-3               # per-sentence peak level before the call's gain
readonly TRIM_PCT=0.3%            # trim threshold: above awb's recorded room noise, below soft onsets
readonly BAND=300-3400            # telephone band, Hz
# Line noise, added after the band-pass: band-passing the 50 Hz hum would remove it entirely.
# At 8 kHz sox whitenoise is -4.8 dBFS RMS, so these gains give about -55 and -45 dBFS RMS hiss.
readonly HISS_GAIN_DB=-50 HISS_LOUD_GAIN_DB=-40
readonly HUM_HZ=50 HUM_GAIN_DB=-40   # sine peak at -40 dBFS
readonly TEMPOS=(0.9 1.0 1.1 1.2)
readonly GAINS=(0 -4 -8 -14)
readonly NOISES=(none none none hiss hiss hiss hiss hiss+hum hiss+hum hiss+hum)   # 30/40/30
readonly TOPICS=" billing refund technical delivery cancellation account other "
readonly REQUESTS=" person callback cancel pay change-details "
readonly PII_KINDS=" card phone email dob ssn "
readonly HEADERS=" topic key lead voice tempo gain_db noise "
readonly BAD_CHAR="[^-A-Za-z0-9' ,.?!{}:]"   # digits are reported on their own

# The voices, in assignment order (the two engines alternate so that neighbouring calls differ).
# flite: every voice compiled into Debian's flite except awb_time, a limited-domain voice that can
# only say the time of day. espeak-ng: the English accents plus a few variants; British variants are
# spelled "en+VARIANT" because espeak-ng 1.51 silently ignores the variant in "en-gb+VARIANT".
# Changing this list re-assigns voices across the whole corpus.
readonly VOICES=(
  flite:kal espeak-ng:en-us flite:slt espeak-ng:en-gb flite:rms espeak-ng:en-gb-scotland
  flite:awb espeak-ng:en-029 flite:kal16 espeak-ng:en-gb-x-rp espeak-ng:en-us+f2
  espeak-ng:en-gb-x-gbclan espeak-ng:en+f4 espeak-ng:en-gb-x-gbcwmd espeak-ng:en-us+m3
)

die() { printf 'make-corpus: %s\n' "$*" >&2; exit 1; }
usage() { printf 'usage: %s [--force] OUT_DIR CALL_FILE...\n' "$0" >&2; exit 2; }

force=false
while [[ $# -gt 0 && $1 == -* ]]; do
  case $1 in
    --force) force=true; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) printf 'make-corpus: unknown option %s\n' "$1" >&2; usage ;;
  esac
done
[[ $# -ge 2 ]] || usage
readonly OUT_DIR=$1; shift
readonly SELF=${BASH_SOURCE[0]}

for tool in flite espeak-ng sox cksum awk sed; do
  command -v "$tool" >/dev/null 2>&1 \
    || die "'$tool' not found (Debian: apt-get install -y flite espeak-ng sox)"
done
have_flite=" $(flite -lv | sed 's/^Voices available://') "
for v in "${VOICES[@]}"; do
  [[ $v != flite:* || $have_flite == *" ${v#flite:} "* ]] \
    || die "this flite has no voice '${v#flite:}' (has:${have_flite% }); the voice assignment needs every one"
done

sox_r() { sox -R -V2 "$@"; }     # repeatable; -V2 shows errors and warnings (e.g. clipping)
readonly RAW=(-t raw -e signed-integer -b 16 -c 1)   # intermediate audio: 16-bit mono, no header

json_str() {                     # print $1 as a JSON string literal
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

awk_true() { awk "BEGIN { exit !($1) }"; }   # awk_true 'EXPR': numeric test, exit status as the result
is_number() { [[ $1 =~ ^-?[0-9]+([.][0-9]+)?$ ]]; }
num() { awk -v x="$1" 'BEGIN { printf "%g", x }'; }   # canonical JSON-safe spelling: 1.10 -> 1.1

# ---- validation ---------------------------------------------------------------------------------
# parse FILE fills the C_* globals below and appends "FILE:LINE: message" to ERRORS.
ERRORS=()
C_TOPIC= C_KEY= C_LEAD= C_VOICE= C_TEMPO= C_GAIN= C_NOISE=
C_PAUSE=() C_CUT=() C_TEXT=() C_ANGRY=() C_REQ=() C_REQS=() C_ACCEPT=() C_VAGUE=() C_PII=()

err() { ERRORS+=("$1"); }

# spoken_text TEXT WHERE: sets SPOKEN (braces removed) and PII (JSON array of the spans, with offsets
# into SPOKEN: from inclusive, to exclusive); reports malformed spans.
spoken_text() {
  local rest=$1 where=$2 kind span from re='^([^{}]*)[{]([^{}:]*):([^{}]*)[}](.*)$'
  local -a items=()
  SPOKEN=
  while [[ $rest =~ $re ]]; do
    SPOKEN+=${BASH_REMATCH[1]}
    kind=${BASH_REMATCH[2]} span=${BASH_REMATCH[3]} rest=${BASH_REMATCH[4]}
    [[ $PII_KINDS == *" $kind "* && -n $kind ]] \
      || err "$where: unknown private-data kind '$kind' (one of:${PII_KINDS% })"
    [[ $span =~ ^[^[:space:]](.*[^[:space:]])?$ ]] \
      || err "$where: private-data span {$kind:$span} must be non-empty with no space at either end"
    from=${#SPOKEN}
    SPOKEN+=$span
    items+=("{\"kind\": $(json_str "$kind"), \"text\": $(json_str "$span"), \"from\": $from, \"to\": ${#SPOKEN}}")
  done
  [[ $rest == *[{}]* ]] && err "$where: unbalanced or nested braces; private data is written {kind:text}"
  SPOKEN+=$rest
  local IFS=,
  PII="[${items[*]}]"
  PII=${PII//\},\{/\}, \{}
}

parse() {
  local file=$1 lineno=0 line name value pause labels text lab seen_sentence=false cut_next=false
  local -A headers=()
  local -a fields labs
  local where mood req reqs accept vague seen
  C_TOPIC= C_KEY= C_LEAD=$DEFAULT_LEAD_MS C_VOICE= C_TEMPO= C_GAIN= C_NOISE=
  C_PAUSE=() C_CUT=() C_TEXT=() C_ANGRY=() C_REQ=() C_REQS=() C_ACCEPT=() C_VAGUE=() C_PII=()
  local first=true
  while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    where="$file:$lineno"
    [[ $line =~ ^[[:space:]]*$ ]] && continue
    if $first; then
      first=false
      [[ $line == \#* ]] || err "$where: the first line must be a '# comment' saying what the call is for"
    fi
    [[ $line == \#* ]] && continue
    if [[ $line == @* ]]; then
      IFS=$'\t' read -ra fields <<< "${line#@}"
      if [[ ${#fields[@]} -ne 2 || $line != @*$'\t'* || $line == *$'\t'*$'\t'* ]]; then
        err "$where: a header is @NAME<TAB>VALUE"; continue
      fi
      name=${fields[0]} value=${fields[1]}
      if [[ $HEADERS != *" $name "* ]]; then err "$where: unknown header @$name (one of:${HEADERS% })"; continue; fi
      $seen_sentence && err "$where: header @$name after the first sentence; headers come first"
      [[ -n ${headers[$name]:-} ]] && err "$where: @$name given twice (first on line ${headers[$name]})"
      headers[$name]=$lineno
      case $name in
        topic) [[ $TOPICS == *" $value "* ]] || err "$where: @topic '$value' is not one of:${TOPICS% }"
               C_TOPIC=$value ;;
        key)   [[ $value == - || $value =~ ^[A-Za-z\']+(\|[A-Za-z\']+)*$ ]] \
                 || err "$where: @key is WORD|WORD... (letters and apostrophes) or -, got '$value'"
               C_KEY=$value ;;
        lead)  if [[ $value =~ ^[0-9]{1,6}$ ]]; then C_LEAD=$((10#$value))
               else err "$where: @lead is a whole number of ms, got '$value'"; fi ;;
        voice) local known=" ${VOICES[*]} "
               [[ $known == *" $value "* ]] || err "$where: @voice '$value' is not one of:${known% }"
               C_VOICE=$value ;;
        tempo) if is_number "$value" && awk_true "$value >= 0.5 && $value <= 2"; then C_TEMPO=$(num "$value")
               else err "$where: @tempo is a factor from 0.5 to 2, got '$value'"; fi ;;
        gain_db) if is_number "$value" && awk_true "$value >= -40 && $value <= 0"; then C_GAIN=$(num "$value")
                 else err "$where: @gain_db is from -40 to 0 (dB below the -3 dBFS peak), got '$value'"; fi ;;
        noise) [[ " none hiss hiss+hum " == *" $value "* ]] \
                 || err "$where: @noise is one of: none hiss hiss+hum, got '$value'"
               C_NOISE=$value ;;
      esac
      continue
    fi

    seen_sentence=true
    IFS=$'\t' read -ra fields <<< "$line"
    if [[ ${#fields[@]} -ne 3 || $line == *$'\t'$'\t'* || $line == *$'\t' ]]; then
      err "$where: expected PAUSE_AFTER_MS<TAB>LABELS<TAB>sentence"; continue
    fi
    pause=${fields[0]} labels=${fields[1]} text=${fields[2]}
    [[ $pause =~ ^[0-9]{1,6}!?$ ]] || err "$where: pause '$pause' is not a whole number of ms (optionally followed by !)"
    C_CUT+=("$cut_next")
    if [[ $pause == *! ]]; then cut_next=true; pause=${pause%!}; else cut_next=false; fi
    [[ $pause =~ ^[0-9]+$ ]] || pause=0
    C_PAUSE+=("$((10#$pause))")

    mood= req=null reqs= accept=false vague=false seen=" "
    read -ra labs <<< "$labels"
    for lab in "${labs[@]}"; do
      [[ $seen == *" $lab "* ]] && err "$where: label '$lab' given twice"
      seen+="$lab "
      case $lab in
        angry|calm) [[ -z $mood ]] || err "$where: exactly one of angry/calm, got both"; mood=$lab ;;
        accept) accept=true ;;
        vague) vague=true ;;
        req=*) if [[ $REQUESTS != *" ${lab#req=} "* ]]; then err "$where: unknown request '$lab' (req= one of:${REQUESTS% })"
               else reqs+="${reqs:+, }$(json_str "${lab#req=}")"; [[ $req != null ]] || req=$(json_str "${lab#req=}"); fi ;;
        *) err "$where: unknown label '$lab' (angry calm accept vague req=KIND)" ;;
      esac
    done
    [[ -n $mood ]] || err "$where: exactly one of angry/calm is required"
    C_ANGRY+=("$([[ $mood == angry ]] && echo true || echo false)")
    C_REQ+=("$req") C_REQS+=("[$reqs]") C_ACCEPT+=("$accept") C_VAGUE+=("$vague")

    text=${text#"${text%%[![:space:]]*}"}
    text=${text%"${text##*[![:space:]]}"}
    [[ $text == *[0-9]* ]] && err "$where: digits in the sentence; spell numbers as they are spoken"
    if [[ $text =~ $BAD_CHAR ]]; then
      err "$where: character '${BASH_REMATCH[0]}' not allowed (letters, spaces, . , ? ! ' - : and {kind:text})"
    fi
    spoken_text "$text" "$where"
    [[ $SPOKEN == *[A-Za-z]* ]] || err "$where: nothing to say"
    C_TEXT+=("$SPOKEN") C_PII+=("$PII")
  done < "$file"

  local n=${#C_TEXT[@]}
  [[ -n $C_TOPIC || -n ${headers[topic]:-} ]] || err "$file: @topic missing"
  [[ -n $C_KEY || -n ${headers[key]:-} ]] || err "$file: @key missing (WORD|WORD... or -)"
  if [[ $n -eq 0 ]]; then err "$file: no sentences"; return; fi
  [[ ${C_PAUSE[n-1]} -ge 6000 ]] \
    || err "$file: the last pause (${C_PAUSE[n-1]}) must be at least 6000 ms, the silence before hanging up"
  $cut_next && err "$file: the last pause ends in '!', but no sentence follows to cut in"
  if [[ -n $C_KEY && $C_KEY != - ]]; then
    local words=" " k
    for text in "${C_TEXT[@]}"; do
      text=${text,,}
      words+="${text//[^a-z\' ]/ } "
    done
    IFS='|' read -ra fields <<< "$C_KEY"
    for k in "${fields[@]}"; do
      [[ $words == *" ${k,,} "* ]] || err "$file: key word '$k' is not in any sentence"
    done
  fi
}

# ---- assignment ---------------------------------------------------------------------------------
declare -A INDEX=()   # absolute .call path -> index among the sorted .call files of its directory
index_dir() {         # index_dir ABS_DIR: fills INDEX for every .call file in it, once
  local dir=$1 f i=0
  [[ -n ${INDEX["$dir/"]:-} ]] && return
  INDEX["$dir/"]=done
  for f in "$dir"/*.call; do     # glob order is byte order under LC_ALL=C
    [[ -e $f ]] || continue
    INDEX[$f]=$i
    i=$((i + 1))
  done
}

# ---- render -------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/make-corpus.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

speak() {            # speak VOICE TEXT_FILE OUT_WAV
  local voice=$1 in=$2 out=$3
  case $voice in
    flite:*)     flite -voice "${voice#flite:}" -f "$in" -o "$out" ;;
    espeak-ng:*) espeak-ng -v "${voice#espeak-ng:}" -f "$in" -w "$out" ;;
  esac
}

render() {           # render CALL_FILE PART NAME VOICE TEMPO GAIN NOISE (C_* filled by parse)
  local call=$1 part=$2 name=$3 voice=$4 tempo=$5 gain=$6 noise=$7
  local tmp="$WORK/$name" i n nraw pad cursor=$((C_LEAD * SPMS)) last=$((${#C_TEXT[@]} - 1))
  local -a starts=() ends=() effects
  rm -rf -- "$tmp" && mkdir -p -- "$tmp"

  # 6 dB of headroom first: resampling a voice recorded near full scale overshoots and would clip.
  effects=(silence 1 0.02 "$TRIM_PCT" reverse silence 1 0.02 "$TRIM_PCT" reverse gain -6)
  awk_true "$tempo == 1" || effects+=(tempo -s "$tempo")
  effects+=(rate -v "$RATE" sinc "$BAND" gain -n "$PEAK_DB")
  awk_true "$gain == 0" || effects+=(gain "$gain")

  head -c $((C_LEAD * SPMS * 2)) /dev/zero > "$tmp/speech.raw"
  for i in "${!C_TEXT[@]}"; do
    printf '%s\n' "${C_TEXT[i]}" > "$tmp/text$i.txt"
    speak "$voice" "$tmp/text$i.txt" "$tmp/tts$i.wav" \
      || die "$call: $voice failed on sentence $((i + 1)): ${C_TEXT[i]}"
    sox_r "$tmp/tts$i.wav" "${RAW[@]}" "$tmp/s$i.raw" "${effects[@]}"
    nraw=$(( $(stat -c %s "$tmp/s$i.raw") / 2 ))
    [[ $nraw -gt 0 ]] || die "$call: sentence $((i + 1)) is silent after trimming: ${C_TEXT[i]}"
    n=$(( (nraw + SPMS - 1) / SPMS * SPMS ))       # round up to a whole ms
    starts+=("$((cursor / SPMS))")
    cursor=$((cursor + n))
    ends+=("$((cursor / SPMS))")
    cursor=$((cursor + C_PAUSE[i] * SPMS))
    pad=$((n - nraw + C_PAUSE[i] * SPMS))
    if [[ $i -eq $last ]]; then                    # whole number of 20 ms frames
      pad=$((pad + (FRAME - cursor % FRAME) % FRAME))
      cursor=$((cursor + (FRAME - cursor % FRAME) % FRAME))
    fi
    { cat "$tmp/s$i.raw"; head -c $((pad * 2)) /dev/zero; } >> "$tmp/speech.raw"
  done
  local total=$cursor
  [[ $(stat -c %s "$tmp/speech.raw") -eq $((total * 2)) ]] || die "$call: internal error: length mismatch"

  # Input options go before -n: otherwise synth runs at sox's default 48 kHz and is resampled.
  local -a mix=(-v 1 "${RAW[@]}" -r "$RATE" "$tmp/speech.raw")
  if [[ $noise != none ]]; then
    local hiss_db=$HISS_GAIN_DB
    [[ $noise == hiss+hum ]] && hiss_db=$HISS_LOUD_GAIN_DB
    sox_r -r "$RATE" -c 1 -n "${RAW[@]}" "$tmp/hiss.raw" synth "${total}s" whitenoise gain "$hiss_db"
    mix+=(-v 1 "${RAW[@]}" -r "$RATE" "$tmp/hiss.raw")
  fi
  if [[ $noise == hiss+hum ]]; then
    sox_r -r "$RATE" -c 1 -n "${RAW[@]}" "$tmp/hum.raw" synth "${total}s" sine "$HUM_HZ" gain "$HUM_GAIN_DB"
    mix+=(-v 1 "${RAW[@]}" -r "$RATE" "$tmp/hum.raw")
  fi
  # -D: no dither when encoding, so that "none" means digital silence between sentences.
  if [[ $noise == none ]]; then
    sox_r -D "${mix[@]:2}" -t raw -e mu-law -b 8 -r "$RATE" -c 1 "$tmp/out.ulaw"
  else
    sox_r -D -m "${mix[@]}" -t raw -e mu-law -b 8 -r "$RATE" -c 1 "$tmp/out.ulaw"
  fi
  [[ $(stat -c %s "$tmp/out.ulaw") -eq $total ]] || die "$call: internal error: mu-law size mismatch"

  local key_json="[]" k
  if [[ $C_KEY != - ]]; then
    local -a keys
    IFS='|' read -ra keys <<< "$C_KEY"
    key_json=
    for k in "${keys[@]}"; do key_json+="${key_json:+, }$(json_str "$k")"; done
    key_json="[$key_json]"
  fi
  {
    printf '{\n'
    printf '  "name": %s,\n  "part": %s,\n' "$(json_str "$name")" "$(json_str "$part")"
    printf '  "sampleRate": %d,\n  "durationMs": %d,\n' "$RATE" "$((total / SPMS))"
    printf '  "topic": %s,\n  "key": %s,\n' "$(json_str "$C_TOPIC")" "$key_json"
    printf '  "voice": %s,\n' "$(json_str "$voice")"
    printf '  "tempo": %s,\n  "gainDb": %s,\n  "noise": %s,\n' "$tempo" "$gain" "$(json_str "$noise")"
    printf '  "leadMs": %d,\n  "sentences": [\n' "$C_LEAD"
    for i in "${!C_TEXT[@]}"; do
      printf '    {"text": %s, "startMs": %d, "endMs": %d, "pauseMs": %d%s, "angry": %s, "request": %s, "requests": %s, "accept": %s, "vague": %s, "pii": %s}%s\n' \
        "$(json_str "${C_TEXT[i]}")" "${starts[i]}" "${ends[i]}" "${C_PAUSE[i]}" \
        "$([[ ${C_CUT[i]} == true ]] && printf ', "cutsIn": true')" \
        "${C_ANGRY[i]}" "${C_REQ[i]}" "${C_REQS[i]}" "${C_ACCEPT[i]}" "${C_VAGUE[i]}" "${C_PII[i]}" \
        "$([[ $i -eq $last ]] || printf ',')"
    done
    printf '  ]\n}\n'
  } > "$tmp/out.json"

  # The manifest goes last: a run cut short leaves it older than the .call, so the call is redone.
  mv -f -- "$tmp/out.ulaw" "$OUT_DIR/$name.ulaw"
  mv -f -- "$tmp/out.json" "$OUT_DIR/$name.json"
  rm -rf -- "$tmp"
  printf '%s: %d sentences, %d ms, %s tempo %s gain %s dB noise %s -> %s/%s.{ulaw,json}\n' \
    "$call" "${#C_TEXT[@]}" "$((total / SPMS))" "$voice" "$tempo" "$gain" "$noise" "$OUT_DIR" "$name"
}

# ---- main ---------------------------------------------------------------------------------------
declare -A BY_NAME=()
CALLS=() ABS=()
for call in "$@"; do
  [[ -f $call ]] || die "$call: no such file"
  [[ $call == *.call ]] || die "$call: corpus calls end in .call"
  dir=$(cd -- "$(dirname -- "$call")" && pwd -P)
  abs="$dir/$(basename -- "$call")"
  name=$(basename -- "$call" .call)
  if [[ -n ${BY_NAME[$name]:-} ]]; then
    [[ ${BY_NAME[$name]} == "$abs" ]] && continue        # the same file given twice
    die "$call: another call of the same name (${BY_NAME[$name]}) would overwrite $OUT_DIR/$name.*"
  fi
  [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "$call: name '$name' must be letters, digits, . _ -"
  part=$(basename -- "$dir")
  [[ $part == dev || $part == locked ]] || die "$call: a corpus call lives in corpus/dev or corpus/locked, not $dir"
  BY_NAME[$name]=$abs
  CALLS+=("$call") ABS+=("$abs")
done

for call in "${CALLS[@]}"; do parse "$call"; done
if [[ ${#ERRORS[@]} -gt 0 ]]; then
  printf '%s\n' "${ERRORS[@]}" >&2
  die "${#ERRORS[@]} error(s) in the calls; nothing rendered"
fi

mkdir -p -- "$OUT_DIR"
rendered=0 skipped=0
for j in "${!CALLS[@]}"; do
  call=${CALLS[j]} abs=${ABS[j]}
  dir=$(dirname -- "$abs") name=$(basename -- "$abs" .call)
  index_dir "$dir"
  parse "$call"

  hash=$(printf '%s' "$name" | cksum | cut -d' ' -f1)
  index=${INDEX[$abs]}
  voice=${C_VOICE:-${VOICES[index % ${#VOICES[@]}]}}
  tempo=${C_TEMPO:-${TEMPOS[hash % ${#TEMPOS[@]}]}}
  gain=${C_GAIN:-${GAINS[hash / ${#TEMPOS[@]} % ${#GAINS[@]}]}}
  noise=${C_NOISE:-${NOISES[hash / (${#TEMPOS[@]} * ${#GAINS[@]}) % ${#NOISES[@]}]}}

  out="$OUT_DIR/$name"
  if ! $force && [[ $out.ulaw -nt $call && $out.ulaw -nt $SELF && $out.json -nt $call && $out.json -nt $SELF ]] \
     && grep -qFx "  \"voice\": $(json_str "$voice")," "$out.json"; then
    skipped=$((skipped + 1))
    continue
  fi
  render "$call" "$(basename -- "$dir")" "$name" "$voice" "$tempo" "$gain" "$noise"
  rendered=$((rendered + 1))
done
printf 'make-corpus: %d rendered, %d up to date, in %s\n' "$rendered" "$skipped" "$OUT_DIR"
