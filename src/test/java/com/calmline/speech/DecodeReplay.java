package com.calmline.speech;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * One recorded call through one Vosk recognizer on the calling thread, fed as the live line feeds it
 * ({@link TrackRecognizer}): 8 kHz μ-law decoded, voice activity on every 20 ms frame, only speech with its
 * pre-roll and tail upsampled to 16 kHz by the line's own filter and given to Vosk, the utterance closed with
 * {@code getFinalResult} after the tail; but in chunks of {@code chunkMs} rather than one call per frame.
 * Vosk's CPU is this thread's CPU time around every Vosk call, so other work on a busy machine is not counted.
 */
final class DecodeReplay {
    /** Mirror TrackRecognizer's: the replay must cost what the line costs. */
    private static final int PREROLL_FRAMES = 15;
    private static final int TAIL_FRAMES = 20;
    private static final int FRAME_SAMPLES = VoiceActivity.FRAME_MS * 8;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Word(String word, double confidence) {
    }

    /** What one call cost and what was heard; seconds are audio seconds, CPU in seconds of this thread. */
    record Result(double audioSeconds, double fedSeconds, double voskCpuSeconds, int voskCalls, List<Word> words) {
        String text() {
            return String.join(" ", words.stream().map(Word::word).toList());
        }
    }

    private final Recognizer recognizer;
    private final int chunkBytes;
    private final HalfBandFilter.Upsampler upsampler = new HalfBandFilter.Upsampler();
    private final VoiceActivity voice = new VoiceActivity();
    private final ArrayDeque<short[]> preroll = new ArrayDeque<>();
    private final List<Word> words = new ArrayList<>();
    private byte[] pending = new byte[0];
    private long cpuNanos;
    private int voskCalls;
    private long fedSamples16k;

    private DecodeReplay(Recognizer recognizer, int chunkMs) {
        if (chunkMs < VoiceActivity.FRAME_MS || chunkMs % VoiceActivity.FRAME_MS != 0) {
            throw new IllegalArgumentException("chunk of " + chunkMs + " ms: give a multiple of "
                    + VoiceActivity.FRAME_MS + " ms, as the line's frames are");
        }
        this.recognizer = recognizer;
        this.chunkBytes = chunkMs * 16 * 2;
    }

    static Result run(Model model, byte[] mulaw, int chunkMs) throws IOException {
        long t0 = THREADS.getCurrentThreadCpuTime();
        try (Recognizer recognizer = new Recognizer(model, 16000f)) {
            recognizer.setWords(true);
            long opening = THREADS.getCurrentThreadCpuTime() - t0;
            return feed(recognizer, mulaw, chunkMs, opening);
        }
    }

    /** The call through a recognizer the caller owns and closes (to see what an open one holds). */
    static Result feed(Recognizer recognizer, byte[] mulaw, int chunkMs, long cpuNanosSoFar) throws IOException {
        DecodeReplay replay = new DecodeReplay(recognizer, chunkMs);
        replay.cpuNanos = cpuNanosSoFar;
        return replay.replay(MuLaw.decode(mulaw));
    }

    private Result replay(short[] pcm) throws IOException {
        boolean feeding = false;
        int silentFrames = 0;
        for (int at = 0; at + FRAME_SAMPLES <= pcm.length; at += FRAME_SAMPLES) {
            short[] frame = Arrays.copyOfRange(pcm, at, at + FRAME_SAMPLES);
            boolean speaking = voice.accept(frame);
            if (!feeding && !speaking) {
                preroll.addLast(frame);
                if (preroll.size() > PREROLL_FRAMES) {
                    preroll.removeFirst();
                }
                continue;
            }
            if (!feeding) {
                feeding = true;
                for (short[] f : preroll) {
                    feed(f);
                }
                preroll.clear();
            }
            feed(frame);
            silentFrames = speaking ? 0 : silentFrames + 1;
            if (silentFrames >= TAIL_FRAMES) {
                feeding = false;
                silentFrames = 0;
                endUtterance();
            }
        }
        if (feeding) {
            endUtterance();
        }
        return new Result(pcm.length / 8000.0, fedSamples16k / 16000.0, cpuNanos / 1e9, voskCalls, List.copyOf(words));
    }

    private void feed(short[] pcm8k) throws IOException {
        short[] pcm16k = upsampler.process(pcm8k);
        fedSamples16k += pcm16k.length;
        byte[] bytes = Arrays.copyOf(pending, pending.length + pcm16k.length * 2);
        for (int i = 0; i < pcm16k.length; i++) {
            bytes[pending.length + 2 * i] = (byte) pcm16k[i];
            bytes[pending.length + 2 * i + 1] = (byte) (pcm16k[i] >> 8);
        }
        pending = bytes;
        if (pending.length >= chunkBytes) {
            accept();
        }
    }

    private void accept() throws IOException {
        long t0 = THREADS.getCurrentThreadCpuTime();
        boolean endpoint = recognizer.acceptWaveForm(pending, pending.length);
        String result = endpoint ? recognizer.getResult() : null;
        cpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
        voskCalls++;
        pending = new byte[0];
        if (result != null) {
            collect(result);
        }
    }

    private void endUtterance() throws IOException {
        if (pending.length > 0) {
            accept();
        }
        long t0 = THREADS.getCurrentThreadCpuTime();
        String result = recognizer.getFinalResult();
        cpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
        voskCalls++;
        collect(result);
    }

    private void collect(String resultJson) throws IOException {
        JsonNode result = Json.parse(resultJson);
        for (JsonNode w : result.path("result")) {
            words.add(new Word(w.path("word").asText(), w.path("conf").asDouble()));
        }
    }
}
