package com.calmline.app;

import com.calmline.speech.Transcriber;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark, not a test (run with {@code mvn -B -Pbench verify}): Vosk real-time factor for one call, then
 * how many concurrent calls, each streamed at real time through the whole service, this machine keeps up with.
 */
public final class TranscriptionBench {
    private static final double MAX_LAG_SECONDS = 2.0;
    /** A decision at atMs is made on the frame that ends there, which the simulator sent 20 ms of audio earlier. */
    private static final long FRAME_MS = 20;

    public static void main(String[] args) throws Exception {
        Fixture fixture = Fixture.load("refund-angry");
        System.out.printf("cores: %d, fixture %s: %.1f s of audio, %.1f s of it speech%n",
                Runtime.getRuntime().availableProcessors(), fixture.name(), fixture.durationMs() / 1000.0,
                fixture.sentences().stream().mapToLong(s -> s.endMs() - s.startMs()).sum() / 1000.0);
        realTimeFactor(fixture);
        wordErrorRates();
        decisionLatency();
        concurrentCalls(fixture);
    }

    /**
     * Audio-time delay from the caller falling silent to each prompt (the pause threshold, by design), and the
     * wall-clock lag from the frame that completed the pause leaving the simulator to Twilio (WireMock)
     * receiving the REST update, with calls streamed at real time.
     */
    private static void decisionLatency() throws Exception {
        List<Long> silenceToDecision = new ArrayList<>();
        List<Long> processingLag = new ArrayList<>();
        try (Deployment deployment = Deployment.live("bench-token").start()) {
            TwilioStandIn twilio = deployment.twilio();
            twilio.stub(WireMock.post(WireMock.urlPathMatching("/2010-04-01/Accounts/.*/Calls/.*\\.json"))
                    .willReturn(WireMock.okJson("{\"status\":\"in-progress\"}")));
            RunningService service = deployment.service();
            for (String name : List.of("refund-angry", "person-angry", "billing-calm", "internet-down")) {
                Fixture fixture = Fixture.load(name);
                Simulator simulator = service.simulator();
                Simulator.Call call = simulator.dial("+15555550100", "+15555550199");
                long startedAt;
                try (call) {
                    call.connect();
                    startedAt = System.currentTimeMillis();
                    call.play(fixture.mulaw(), 1);
                    call.stop();
                }
                List<JsonNode> decisions = simulator.awaitEnd(call.callSid, Duration.ofMinutes(2)).stream()
                        .filter(e -> e.path("type").asText().equals("decision")
                                && CallEvents.SPEAKING.contains(e.path("action").asText()))
                        .toList();
                List<LoggedRequest> sent = twilio.requests(WireMock.postRequestedFor(
                        WireMock.urlPathMatching(".*/Calls/" + call.callSid + "\\.json")));
                for (JsonNode d : decisions) {
                    long at = d.path("atMs").asLong();
                    long silentSince = fixture.sentences().stream().mapToLong(CallScript.Sentence::endMs)
                            .filter(e -> e < at).max().orElse(0);
                    silenceToDecision.add(at - silentSince);
                    String twiml = d.path("twiml").asText();
                    sent.stream().filter(r -> java.net.URLDecoder.decode(r.getBodyAsString(),
                                    java.nio.charset.StandardCharsets.UTF_8).contains(twiml.substring(twiml.indexOf("<Say>"))))
                            .findFirst().ifPresent(r -> processingLag.add(
                                    r.getLoggedDate().getTime() - (startedAt + at - FRAME_MS)));
                }
            }
        }
        System.out.printf("prompts: %d; caller silent -> decision (audio time): median %d ms, max %d ms; "
                + "frame sent -> REST update at Twilio (wall clock): median %d ms, max %d ms%n", silenceToDecision.size(),
                median(silenceToDecision), max(silenceToDecision), median(processingLag), max(processingLag));
    }

    /** Word error rate of every fixture call through the whole service (HTTP, WebSocket, Vosk, Redis). */
    private static void wordErrorRates() throws Exception {
        List<String> names;
        try (var files = Files.list(Fixture.path(""))) {
            names = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
        }
        try (Deployment deployment = Deployment.demo().start()) {
            RunningService service = deployment.service();
            for (String name : names) {
                Fixture fixture = Fixture.load(name);
                String heard = CallEvents.transcript(service.simulator().playCall("+15555550100", "+15555550199",
                        fixture.mulaw(), 4, Duration.ofMinutes(2)));
                System.out.printf("WER %-14s %5.1f%%  heard: %s%n", name, 100 * WordErrorRate.of(fixture.words(), heard),
                        heard);
            }
        }
    }

    private static long median(List<Long> values) {
        return values.isEmpty() ? -1 : values.stream().sorted().toList().get(values.size() / 2);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    private static void realTimeFactor(Fixture fixture) throws Exception {
        try (Transcriber transcriber = Transcriber.load(Path.of("models/model-en-us"), 100_000, 1, 1,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            for (int run = 1; run <= 3; run++) {
                CountDownLatch done = new CountDownLatch(1);
                long t0 = System.nanoTime();
                Transcriber.Session session = transcriber.open("CAbench" + run, clock -> new Transcriber.Listener() {
                    public void onUtterance(Transcriber.Utterance u) {
                    }

                    public void onEnd(long atMs) {
                        done.countDown();
                    }
                }).orElseThrow();
                byte[] audio = fixture.mulaw();
                for (int off = 0; off < audio.length; off += Simulator.FRAME_BYTES) {
                    session.offer("inbound", off / 8, Arrays.copyOfRange(audio, off, off + Simulator.FRAME_BYTES));
                }
                session.finish();
                done.await();
                double wall = (System.nanoTime() - t0) / 1e9;
                System.out.printf("one call, run %d: %.2f s wall for %.1f s audio: real-time factor %.3f "
                        + "(%.1f audio-s per wall-s on one thread)%n", run, wall, fixture.durationMs() / 1000.0,
                        wall / (fixture.durationMs() / 1000.0), fixture.durationMs() / 1000.0 / wall);
            }
        }
    }

    private static void concurrentCalls(Fixture fixture) throws Exception {
        try (Deployment deployment = Deployment.demo().env("MAX_LIVE_CALLS", "48").start()) {
            RunningService service = deployment.service();
            int sustained = 0;
            int[] steps = {1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48};
            for (int calls : steps) {
                double[] lag = runCalls(service, fixture, calls);
                double maxLag = Arrays.stream(lag).max().orElse(0);
                double audio = calls * fixture.durationMs() / 1000.0;
                double wall = fixture.durationMs() / 1000.0 + maxLag;
                boolean kept = maxLag <= MAX_LAG_SECONDS;
                System.out.printf("%2d calls at real time: audio-s processed per wall-s %.2f, end-of-call lag "
                        + "max %.2f s, mean %.2f s, RSS %d MB -> %s%n", calls, audio / wall, maxLag,
                        Arrays.stream(lag).average().orElse(0), rssMb(), kept ? "keeps up" : "falls behind");
                if (!kept) {
                    break;
                }
                sustained = calls;
            }
            System.out.printf("RESULT: %s%d concurrent calls kept at real time on %d cores (lag <= %.1f s)%n",
                    sustained == steps[steps.length - 1] ? "at least " : "", sustained,
                    Runtime.getRuntime().availableProcessors(), MAX_LAG_SECONDS);
        }
    }

    /** Streams {@code calls} copies of the fixture at once, at real time; returns each call's end lag in s. */
    private static double[] runCalls(RunningService service, Fixture fixture, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        try {
            List<Future<Double>> lags = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                lags.add(pool.submit(() -> {
                    Simulator simulator = service.simulator();
                    Simulator.Call call = simulator.dial("+15555550100", "+15555550199");
                    try (call) {
                        call.connect().play(fixture.mulaw(), 1);
                        call.stop();
                    }
                    long stopped = System.nanoTime();
                    List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofMinutes(5));
                    if (CallEvents.utterances(events).isEmpty()) {
                        throw new IllegalStateException("call " + call.callSid + " produced no transcript");
                    }
                    return (System.nanoTime() - stopped) / 1e9;
                }));
            }
            double[] out = new double[calls];
            for (int i = 0; i < calls; i++) {
                out[i] = lags.get(i).get();
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static long rssMb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
    }
}
