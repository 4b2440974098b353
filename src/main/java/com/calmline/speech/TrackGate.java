package com.calmline.speech;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One track's voice activity on every frame, and, where the track is transcribed, which frames go to the
 * recogniser: speech with a pre-roll and a tail, not the silences between, which is where most of a phone
 * call's CPU would otherwise go. Runs on the call's audio thread, at the pace of the audio, whatever the
 * decoders' lag: the conversation's clock is this.
 */
final class TrackGate {
    private static final int PREROLL_FRAMES = 15;
    private static final int TAIL_FRAMES = 20;

    /** A frame for the recogniser, with whether the speaker was talking in it (for the voice's measures). */
    record Frame(long streamMs, short[] pcm8k, boolean speaking) {
    }

    /** What one frame asks of the recogniser: frames to feed, in order, and whether an utterance ends after them. */
    record Step(List<Frame> feed, boolean utteranceEnds) {
        static final Step NOTHING = new Step(List.of(), false);
    }

    private final String track;
    private boolean transcribed;
    private final VoiceActivity voice = new VoiceActivity();
    private final ArrayDeque<Frame> preroll = new ArrayDeque<>();
    private long lastVoiceEndMs = -1;
    private boolean feeding;
    private int silentFrames;

    TrackGate(String track, boolean transcribed) {
        this.track = track;
        this.transcribed = transcribed;
    }

    /** From now on this track is transcribed too: an agent has joined the call and speaks on it. */
    void transcribe() {
        transcribed = true;
    }

    Step accept(long streamMs, short[] pcm8k) {
        boolean speaking = voice.accept(pcm8k);
        if (voice.loud()) {
            lastVoiceEndMs = streamMs + pcm8k.length / 8;
        }
        if (!transcribed) {
            return Step.NOTHING;
        }
        Frame frame = new Frame(streamMs, pcm8k, speaking);
        if (!feeding && !speaking) {
            preroll.addLast(frame);
            if (preroll.size() > PREROLL_FRAMES) {
                preroll.removeFirst();
            }
            return Step.NOTHING;
        }
        List<Frame> feed = new ArrayList<>(feeding ? 1 : preroll.size() + 1);
        if (!feeding) {
            feeding = true;
            feed.addAll(preroll);
            preroll.clear();
        }
        feed.add(frame);
        silentFrames = speaking ? 0 : silentFrames + 1;
        if (silentFrames >= TAIL_FRAMES) {
            feeding = false;
            silentFrames = 0;
            return new Step(feed, true);
        }
        return new Step(feed, false);
    }

    /** Voice activity after the last accepted frame. */
    Transcriber.Activity activity(long atMs) {
        boolean speaking = voice.speaking();
        return new Transcriber.Activity(track, atMs, speaking,
                speaking || lastVoiceEndMs < 0 ? 0 : Math.max(0, atMs - lastVoiceEndMs));
    }
}
