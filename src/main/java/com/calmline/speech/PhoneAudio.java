package com.calmline.speech;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Audio as a phone line carries it: 8 kHz mono G.711 μ-law, the payload of Twilio media frames. */
public final class PhoneAudio {
    private PhoneAudio() {
    }

    /**
     * Reads a WAV file (16-bit PCM mono, 8 or 16 kHz) or a raw 8 kHz μ-law file ({@code .ulaw}, {@code .raw})
     * and returns 8 kHz μ-law bytes.
     */
    public static byte[] load(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".ulaw") || name.endsWith(".raw") || name.endsWith(".mulaw")) {
            return Files.readAllBytes(file);
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getChannels() != 1) {
                throw new IOException(file + ": " + f.getChannels() + " channels; expected mono");
            }
            if (f.getEncoding() == AudioFormat.Encoding.ULAW && f.getSampleRate() == 8000f) {
                return in.readAllBytes();
            }
            if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || f.getSampleSizeInBits() != 16) {
                throw new IOException(file + ": " + f + "; expected 16-bit PCM or 8 kHz μ-law");
            }
            short[] pcm = toShorts(in.readAllBytes(), f.isBigEndian());
            if (f.getSampleRate() == 16000f) {
                pcm = HalfBandFilter.downsample(pcm);
            } else if (f.getSampleRate() != 8000f) {
                throw new IOException(file + ": " + (int) f.getSampleRate() + " Hz; expected 8000 or 16000");
            }
            return MuLaw.encode(pcm);
        } catch (UnsupportedAudioFileException e) {
            throw new IOException(file + ": not a WAV file this reader understands", e);
        }
    }

    private static short[] toShorts(byte[] bytes, boolean bigEndian) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[bytes.length / 2];
        buf.asShortBuffer().get(out);
        return out;
    }
}
