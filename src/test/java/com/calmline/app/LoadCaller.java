package com.calmline.app;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * One simulated caller of the load benchmark: talks about half the time, in turns of one or two fixture
 * sentences, each turn followed by a silence (the caller listening to the line), and streams that at real
 * time, noting when each turn's last frame of speech left.
 */
final class LoadCaller {
    static final byte MULAW_SILENCE = (byte) 0xFF;
    private static final int FRAME_MS = 20;
    private static final int BYTES_PER_MS = 8;
    /** Fixture sentences are cut with this much of their own audio around them, so no word is clipped. */
    private static final int PAD_MS = 60;

    /**
     * What the caller sends: {@code audio} (a whole number of 20 ms frames), the stream time at which each
     * turn's speech ends (the end of the frame holding its last sentence's end), and how much of it is the
     * fixtures' sentences.
     */
    record Layout(byte[] audio, List<Long> turnEndsMs, long speechMs) {
        long durationMs() {
            return audio.length / BYTES_PER_MS;
        }
    }

    /** How a call was streamed: the wall-clock times turns ended, and how late frames left against real time. */
    record Played(long[] turnEndWallMs, long[] lateMs) {
    }

    private LoadCaller() {
    }

    /**
     * A caller who says nothing for the greeting's start ({@code leadMs}), then talks in turns until {@code
     * durationMs} of audio: each turn one or two random sentences joined by short breaths, then a silence that
     * brings the call so far to about half speech, and at least {@code minPauseMs}, so the line has a pause to
     * act on.
     */
    static Layout layout(List<Fixture> fixtures, Random random, long leadMs, long durationMs, long minPauseMs) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        List<Long> turnEnds = new ArrayList<>();
        long speech = 0;
        silence(audio, leadMs);
        // Near the end, shorter turns are tried before the rest is left silent.
        int misses = 0;
        while (misses < 20) {
            ByteArrayOutputStream turn = new ByteArrayOutputStream();
            long turnSpeech = 0;
            long speechEndInTurnMs = 0;
            int sentences = 1 + random.nextInt(2);
            for (int i = 0; i < sentences; i++) {
                if (i > 0) {
                    silence(turn, 250 + random.nextInt(350));
                }
                Fixture f = fixtures.get(random.nextInt(fixtures.size()));
                CallScript.Sentence s = f.sentences().get(random.nextInt(f.sentences().size()));
                long from = Math.max(0, s.startMs() - PAD_MS);
                long to = Math.min(f.mulaw().length / BYTES_PER_MS, s.endMs() + PAD_MS);
                speechEndInTurnMs = turn.size() / BYTES_PER_MS + s.endMs() - from;
                turn.writeBytes(Arrays.copyOfRange(f.mulaw(), (int) from * BYTES_PER_MS, (int) to * BYTES_PER_MS));
                turnSpeech += s.endMs() - s.startMs();
            }
            padToFrame(turn);
            long turnMs = turn.size() / BYTES_PER_MS;
            long turnStartMs = audio.size() / BYTES_PER_MS;
            if (turnStartMs + turnMs + minPauseMs > durationMs) {
                misses++;
                continue;
            }
            audio.writeBytes(turn.toByteArray());
            // The end of the frame that holds the turn's last sound of speech.
            turnEnds.add((turnStartMs + speechEndInTurnMs + FRAME_MS - 1) / FRAME_MS * FRAME_MS);
            speech += turnSpeech;
            long sofarMs = audio.size() / BYTES_PER_MS;
            // As much silence as would bring the call so far to half speech, give or take a fifth.
            long owedMs = 2 * speech - sofarMs;
            long pauseMs = Math.max(minPauseMs, (long) (owedMs * (0.8 + 0.4 * random.nextDouble())));
            silence(audio, Math.min(pauseMs, durationMs - sofarMs));
        }
        silence(audio, durationMs - audio.size() / BYTES_PER_MS);
        return new Layout(audio.toByteArray(), List.copyOf(turnEnds), speech);
    }

    /**
     * Streams {@code layout} on {@code call} at real time, each 20 ms frame due {@code 20 × k} ms after the first,
     * whatever time the previous send took; with an {@code agent}, its audio goes on the outbound track of the
     * same frames (both tracks, as Twilio sends them), silence once it runs out.
     */
    static Played play(Simulator.Call call, Layout layout, Optional<Layout> agent) {
        int frames = layout.audio().length / Simulator.FRAME_BYTES;
        byte[] quiet = new byte[Simulator.FRAME_BYTES];
        Arrays.fill(quiet, MULAW_SILENCE);
        long[] late = new long[frames];
        long[] turnEndWall = new long[layout.turnEndsMs().size()];
        int nextTurn = 0;
        long t0 = System.nanoTime();
        for (int k = 0; k < frames; k++) {
            long due = t0 + (long) k * FRAME_MS * 1_000_000;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            late[k] = Math.max(0, (System.nanoTime() - due) / 1_000_000);
            byte[] caller = Arrays.copyOfRange(layout.audio(), k * Simulator.FRAME_BYTES, (k + 1) * Simulator.FRAME_BYTES);
            if (agent.isPresent()) {
                byte[] a = agent.get().audio();
                call.mediaBothTracks(caller, (k + 1) * Simulator.FRAME_BYTES <= a.length
                        ? Arrays.copyOfRange(a, k * Simulator.FRAME_BYTES, (k + 1) * Simulator.FRAME_BYTES) : quiet);
            } else {
                call.media(caller);
            }
            if (nextTurn < turnEndWall.length && (long) (k + 1) * FRAME_MS == layout.turnEndsMs().get(nextTurn)) {
                turnEndWall[nextTurn++] = System.currentTimeMillis();
            }
        }
        return new Played(turnEndWall, late);
    }

    private static void silence(ByteArrayOutputStream out, long ms) {
        byte[] quiet = new byte[(int) Math.max(0, ms / FRAME_MS * FRAME_MS) * BYTES_PER_MS];
        Arrays.fill(quiet, MULAW_SILENCE);
        out.writeBytes(quiet);
    }

    private static void padToFrame(ByteArrayOutputStream out) {
        int rest = out.size() % Simulator.FRAME_BYTES;
        if (rest != 0) {
            byte[] quiet = new byte[Simulator.FRAME_BYTES - rest];
            Arrays.fill(quiet, MULAW_SILENCE);
            out.writeBytes(quiet);
        }
    }
}
