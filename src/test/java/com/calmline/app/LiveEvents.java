package com.calmline.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A page's live feed (Server-Sent Events) as the browser's EventSource reads it: named events, each one's
 * data lines joined, read on a thread of its own so a test can wait for an event or for the stream's end.
 */
public final class LiveEvents implements AutoCloseable {
    /** One event; {@code name} "message" when the server named none. */
    public record Event(String name, String data) {
    }

    private static final Event END = new Event("", "");
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    public LiveEvents(HttpResponse<InputStream> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "live-events");
        reader.setDaemon(true);
        reader.start();
    }

    public int status() {
        return response.statusCode();
    }

    /** The next event, waiting at most {@code within}; fails if the stream ended or nothing came. */
    public Event next(Duration within) throws InterruptedException {
        Event e = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + within);
        }
        if (e == END) {
            events.add(END);
            throw new AssertionError("the stream ended");
        }
        return e;
    }

    /** Events up to the next one named {@code name}, that one included. */
    public List<Event> until(String name, Duration within) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            seen.add(e);
            if (e.name().equals(name)) {
                return seen;
            }
        }
    }

    /**
     * Waits for the server to end the stream; returns the events sent before the end. Fails if it is still
     * open after {@code within}, a bound far above the feed's own period, not a timing to meet.
     */
    public List<Event> end(Duration within) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("the stream was still open after " + within + "; it sent " + seen);
            }
            if (e == END) {
                return seen;
            }
            seen.add(e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data = null;
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        } catch (IOException e) {
            // closed by the test, or cut: either way the stream is over
        } finally {
            events.add(END);
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
