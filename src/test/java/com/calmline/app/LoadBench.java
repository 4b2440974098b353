package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.calmline.web.CallSid;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test ({@code mvn -B -Pbench-load verify}): streams N simultaneous simulated calls (fixture
 * speech about half the time, silence between, 20 ms frames at real time) into the packaged service running
 * as its own process, and prints per N the transcription lag (server-side histogram), the delay from a caller
 * falling silent to the line's REST update reaching Twilio (WireMock), the service's CPU and resident memory,
 * and dropped frames; then, with admission control at the largest N kept, what 2N callers get. On a quarter of
 * the calls an agent joins at the start and talks too (both tracks transcribed), as on a line whose callers
 * reach a person. {@code -Dbench.keepGoing=true} runs every step even past one that fell behind, for a sweep
 * compared before and after a change. {@code -Dbench.soakMinutes=15 -Dbench.soakCalls=8} instead holds that
 * many calls that long and prints the service's memory each minute.
 */
public final class LoadBench {
    private static final int[] STEPS = {8, 16, 24, 32, 40, 48};
    /** A step is kept at real time when 95 % of frames reach the recogniser this soon, and none is dropped. */
    private static final double MAX_LAG_P95_SECONDS = 0.300;
    private static final String LAG = "calmline_transcription_lag_seconds";
    /** The conversation clock's own lag (voice activity per frame), where the service measures it apart. */
    private static final String CLOCK_LAG = "calmline_audio_lag_seconds";
    /** Every this many calls, one has an agent on it. */
    private static final int AGENT_EVERY = 4;
    private static final String FRAMES = "calmline_media_frames_total";
    private static final String OVERFLOW = "calmline_calls_overflow_total";
    /** Calls of a step start spread over this long, so their turns are not in phase. */
    private static final long STAGGER_MS = 3000;
    private static final String AUTH_TOKEN = "load-bench-auth-token";
    private static final String NO_STREAM = "the TwiML starts no media stream";
    /**
     * How long after a step's audio the service may take to finish transcribing it; past that the step has
     * fallen far behind, and waiting longer would only stretch the benchmark.
     */
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final ServiceProcess service;
    private final TwilioStandIn twilio;
    private final List<Fixture> fixtures;
    private final long minPauseMs;
    private final Simulator simulator;
    /** How long the line's greeting lasts by the service's own reckoning; callers wait for it before talking. */
    private long greetingMs;

    private LoadBench(ServiceProcess service, TwilioStandIn twilio, List<Fixture> fixtures, long minPauseMs) {
        this.service = service;
        this.twilio = twilio;
        this.fixtures = fixtures;
        this.minPauseMs = minPauseMs;
        this.simulator = service.simulator();
    }

    public static void main(String[] args) throws Exception {
        long holdMs = Long.getLong("bench.holdSeconds", 45) * 1000;
        int[] steps = Optional.ofNullable(System.getProperty("bench.steps"))
                .map(s -> Arrays.stream(s.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray()).orElse(STEPS);
        List<Fixture> fixtures = fixtures();
        Config config = Config.fromEnv(Map.of());
        // The line needs a pause this long (the angry threshold, plus a margin) before it acts on a turn.
        long minPauseMs = config.venting().angryPauseMs() + 500;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("LOAD BENCH: %d cores; %d fixture calls (%d sentences); each call %d s of audio at real "
                        + "time, speech about half of it; calls start spread over %.1f s%n", cores, fixtures.size(),
                fixtures.stream().mapToInt(f -> f.sentences().size()).sum(), holdMs / 1000, STAGGER_MS / 1000.0);
        System.out.printf("service: java %s -jar target/calmline.jar, its own process; line pauses (defaults, "
                        + "Config): PAUSE_MS=%d ANGRY_PAUSE_MS=%d (included in decision delay); CALL_BACKLOG_FRAMES=%d%n",
                String.join(" ", ServiceProcess.JVM_FLAGS), config.venting().pauseMs(),
                config.venting().angryPauseMs(), config.callBacklogFrames());

        try (Deployment deployment = Deployment.live(AUTH_TOKEN).ownRedis().noInstances().start()) {
            if (Integer.getInteger("bench.soakMinutes", 0) > 0) {
                soak(deployment, Integer.getInteger("bench.soakCalls", 8), Integer.getInteger("bench.soakMinutes"),
                        fixtures, minPauseMs);
            } else {
                run(deployment, steps, holdMs, fixtures, minPauseMs, config);
            }
        }
    }

    private static void run(Deployment deployment, int[] steps, long holdMs, List<Fixture> fixtures, long minPauseMs,
                            Config config) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println("redis: an external redis-server process (the embedded-redis artifact's binary) on port "
                + deployment.redis().port() + "; its memory is not in the service's RSS");
        TwilioStandIn twilio = deployment.twilio();
        answerCallUpdates(twilio);
        Map<String, String> env = new HashMap<>();
        // Every call of a step is transcribed: admission control is out of the way until the 2x run.
        int maxStep = Arrays.stream(steps).max().orElse(1);
        env.put("MAX_LIVE_CALLS", Integer.toString(maxStep));
        System.out.printf("steps run with MAX_LIVE_CALLS=%d (every call transcribed; the default here is %d)%n",
                maxStep, config.maxLiveCalls());
        int kept = 0;
        try (ServiceProcess service = deployment.startProcess("load-bench-service", env)) {
            LoadBench bench = new LoadBench(service, twilio, fixtures, minPauseMs);
            bench.warmUp();
            long idleRssKb = service.rssKb();
            System.out.printf("service pid %d, idle RSS after warm-up %.0f MB; CPU from /proc/PID/stat over each "
                            + "step's streaming, %% of one core (and of the machine's %d); callers wait out the "
                            + "%.1f s greeting%n", service.pid(), idleRssKb / 1024.0, cores, bench.greetingMs / 1000.0);
            System.out.println(Step.HEADER);
            boolean allKept = true;
            for (int calls : steps) {
                Step step = bench.run(calls, holdMs, calls);
                System.out.println(step.row(idleRssKb, cores));
                step.problems().forEach(p -> System.out.println("      " + p));
                if (!step.kept()) {
                    allKept = false;
                    if (!Boolean.getBoolean("bench.keepGoing")) {
                        break;
                    }
                } else if (allKept) {
                    kept = calls;
                }
            }
            System.out.printf("RESULT: %s%d concurrent calls kept at real time on %d cores (lag p95 < %.0f ms, "
                            + "no dropped frames)%n", allKept && kept > 0 ? "at least " : "", kept, cores,
                    MAX_LAG_P95_SECONDS * 1000);
        }
        int limit = kept > 0 ? kept : steps[0];
        env.put("MAX_LIVE_CALLS", Integer.toString(limit));
        try (ServiceProcess service = deployment.startProcess("load-bench-admission", env)) {
            LoadBench bench = new LoadBench(service, twilio, fixtures, minPauseMs);
            bench.warmUp();
            Step step = bench.run(2 * limit, holdMs, 1000 + limit);
            System.out.printf("ADMISSION: MAX_LIVE_CALLS=%d%s, %d calls:%n", limit,
                    kept > 0 ? "" : " (no step was kept; the smallest step instead)", 2 * limit);
            System.out.println(step.admission());
            step.problems().forEach(p -> System.out.println("      " + p));
        }
    }

    /**
     * {@code calls} calls of {@code minutes} each, the service's resident memory every minute: whether a call's
     * memory grows as it goes on (Vosk's per-recogniser state, the call's own records).
     */
    private static void soak(Deployment deployment, int calls, int minutes, List<Fixture> fixtures, long minPauseMs)
            throws Exception {
        answerCallUpdates(deployment.twilio());
        try (ServiceProcess service = deployment.startProcess("load-bench-soak",
                Map.of("MAX_LIVE_CALLS", Integer.toString(calls)))) {
            LoadBench bench = new LoadBench(service, deployment.twilio(), fixtures, minPauseMs);
            bench.warmUp();
            long idleRssKb = service.rssKb();
            System.out.printf("SOAK: %d calls of %d minutes (an agent on every %dth); idle RSS %.0f MB%n", calls,
                    minutes, AGENT_EVERY, idleRssKb / 1024.0);
            Step step = bench.run(calls, minutes * 60_000L, 7);
            System.out.println(Step.HEADER);
            System.out.println(step.row(idleRssKb, Runtime.getRuntime().availableProcessors()));
            step.problems().forEach(p -> System.out.println("      " + p));
            for (long[] m : step.rssKbByMinute()) {
                System.out.printf("  minute %2d: RSS %.0f MB, %.1f MB per call over idle%n", m[0], m[1] / 1024.0,
                        (m[1] - idleRssKb) / 1024.0 / calls);
            }
        }
    }

    /** Twilio (WireMock) takes every update of a live call. */
    private static void answerCallUpdates(TwilioStandIn twilio) {
        twilio.stub(post(urlPathMatching("/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Calls/" + CallSid.FORM
                + "\\.json")).willReturn(okJson("{\"account_sid\":\"" + TwilioStandIn.ACCOUNT
                + "\",\"status\":\"in-progress\"}")));
    }

    private static List<Fixture> fixtures() throws IOException {
        try (var files = Files.list(Fixture.path(""))) {
            List<Fixture> out = new ArrayList<>();
            for (String name : files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".ulaw"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList()) {
                out.add(Fixture.load(name));
            }
            return out;
        }
    }

    /**
     * Learns how long the greeting lasts from one call, then makes a couple of short calls, so the figures are
     * not the JIT's or the first recogniser's.
     */
    private void warmUp() throws Exception {
        Simulator.Call probe = simulator.dial("+15555550100", "+15555550199");
        try (probe) {
            probe.connect();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((greetingMs = simulator.lineUntilMs(probe.callSid)) <= 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            probe.stop();
        }
        if (greetingMs <= 0) {
            throw new IllegalStateException("the service recorded no greeting for call " + probe.callSid);
        }
        run(2, 10_000, 0);
        Thread.sleep(2000);
    }

    /** What became of a call: transcribed, sent to a queue by admission control (at the answer or at its stream), failed. */
    private enum Fate { STREAMED, QUEUED_AT_ANSWER, QUEUED_AT_STREAM, FAILED }

    /** What one call of a step did; {@code played} only when it was streamed. */
    private record Outcome(String callSid, Fate fate, LoadCaller.Layout layout, Optional<LoadCaller.Layout> agent,
                           LoadCaller.Played played, Optional<String> error) {
        boolean streamed() {
            return fate == Fate.STREAMED;
        }
    }

    /** Holds {@code calls} calls of {@code holdMs} audio each, streamed at real time, and reads what it cost. */
    private Step run(int calls, long holdMs, long seed) throws Exception {
        List<LoadCaller.Layout> layouts = new ArrayList<>();
        List<Optional<LoadCaller.Layout>> agents = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Random random = new Random(seed * 1000 + i);
            layouts.add(LoadCaller.layout(fixtures, random, greetingMs + 300 + random.nextInt(1200), holdMs,
                    minPauseMs));
            agents.add(i % AGENT_EVERY == AGENT_EVERY - 1
                    ? Optional.of(LoadCaller.layout(fixtures, random, 1000 + random.nextInt(1200), holdMs, minPauseMs))
                    : Optional.empty());
        }
        Scrape before = service.metrics();
        long serviceTicks0 = service.cpuTicks();
        long benchTicks0 = ServiceProcess.Proc.cpuTicks(ProcessHandle.current().pid());
        long wall0 = System.nanoTime();
        AtomicLong peakRssKb = new AtomicLong(service.rssKb());
        List<long[]> rssKbByMinute = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            try {
                long rss = service.rssKb();
                peakRssKb.accumulateAndGet(rss, Math::max);
                long minute = (System.nanoTime() - wall0) / 60_000_000_000L;
                if (rssKbByMinute.size() <= minute) {
                    rssKbByMinute.add(new long[] {minute, rss});
                }
            } catch (IOException e) {
                // the service is gone; the step's other figures say so
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        List<Outcome> outcomes = new ArrayList<>();
        long serviceTicks;
        long benchTicks;
        double wallSeconds;
        try {
            List<Future<Outcome>> running = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                long startAfterMs = i * STAGGER_MS / calls;
                LoadCaller.Layout layout = layouts.get(i);
                Optional<LoadCaller.Layout> agent = agents.get(i);
                running.add(pool.submit(() -> call(startAfterMs, layout, agent)));
            }
            for (Future<Outcome> f : running) {
                outcomes.add(f.get());
            }
            serviceTicks = service.cpuTicks() - serviceTicks0;
            benchTicks = ServiceProcess.Proc.cpuTicks(ProcessHandle.current().pid()) - benchTicks0;
            wallSeconds = (System.nanoTime() - wall0) / 1e9;
            sampler.shutdownNow();
            Optional<ServiceProcess.Heap> heap = service.heap();
            List<Future<Boolean>> ended = new ArrayList<>();
            long drainDeadline = System.nanoTime() + DRAIN.toNanos();
            for (Outcome o : outcomes) {
                ended.add(pool.submit(() -> !o.streamed() || ended(o.callSid(), drainDeadline)));
            }
            int notEnded = 0;
            for (Future<Boolean> e : ended) {
                notEnded += e.get() ? 0 : 1;
            }
            Scrape after = service.metrics();
            return new Step(calls, outcomes, before, after, serviceTicks / (double) ServiceProcess.Proc.TICKS_PER_SECOND,
                    benchTicks / (double) ServiceProcess.Proc.TICKS_PER_SECOND, wallSeconds, peakRssKb.get(), heap,
                    decisionDelays(outcomes), notEnded, List.copyOf(rssKbByMinute));
        } finally {
            sampler.shutdownNow();
            pool.shutdownNow();
        }
    }

    private Outcome call(long startAfterMs, LoadCaller.Layout layout, Optional<LoadCaller.Layout> agent) {
        String sid = "";
        try {
            Thread.sleep(startAfterMs);
            Simulator.Call call;
            try {
                call = simulator.dial("+15555550100", "+15555550199");
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).startsWith(NO_STREAM)) {
                    boolean queued = e.getMessage().contains("<Enqueue");
                    return new Outcome(sid, queued ? Fate.QUEUED_AT_ANSWER : Fate.FAILED, layout, agent, null,
                            queued ? Optional.empty() : Optional.of("answered without a stream or a queue: " + e.getMessage()));
                }
                throw e;
            }
            sid = call.callSid;
            LoadCaller.Played played;
            try (call) {
                call.connect();
                if (agent.isPresent()) {
                    HttpResponse<String> joined = simulator.post("/twilio/connect?agent=bench&to=client:bench",
                            Map.of("CallSid", sid));
                    if (joined.statusCode() != 200) {
                        throw new IOException("POST /twilio/connect answered " + joined.statusCode());
                    }
                }
                try {
                    played = LoadCaller.play(call, layout, agent);
                } catch (RuntimeException e) {
                    if (routedByRest(sid)) {
                        // The stream came when every line was busy: the service closed it and sent the caller
                        // to a queue through Twilio instead.
                        return new Outcome(sid, Fate.QUEUED_AT_STREAM, layout, agent, null, Optional.empty());
                    }
                    throw e;
                }
                call.stop();
            }
            return new Outcome(sid, Fate.STREAMED, layout, agent, played, Optional.empty());
        } catch (Exception e) {
            return new Outcome(sid, Fate.FAILED, layout, agent, null, Optional.of("call " + sid + ": " + e));
        }
    }

    /** Whether Twilio (WireMock) was told to put this call in a queue. */
    private boolean routedByRest(String callSid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (twilio.updates(callSid).stream().anyMatch(r -> r.getBodyAsString().contains("Twiml=")
                    && TwilioStandIn.twimlOf(r).contains("<Enqueue"))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Waits for the service to record the call's end (its audio all processed); false if not by the deadline. */
    private boolean ended(String callSid, long deadlineNanos) {
        try {
            simulator.awaitEnd(callSid, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * For every REST update in which the line says something, the wall time from the caller's last frame of
     * speech before it to Twilio (WireMock) receiving it.
     */
    private List<Long> decisionDelays(List<Outcome> outcomes) {
        List<Long> delays = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (!o.streamed()) {
                continue;
            }
            for (LoggedRequest update : twilio.updates(o.callSid())) {
                if (!update.getBodyAsString().contains("Twiml=") || !TwilioStandIn.twimlOf(update).contains("<Say")) {
                    continue;
                }
                long arrived = update.getLoggedDate().getTime();
                long silentSince = Arrays.stream(o.played().turnEndWallMs()).filter(t -> t > 0 && t <= arrived)
                        .max().orElse(-1);
                if (silentSince > 0) {
                    delays.add(arrived - silentSince);
                }
            }
        }
        return delays;
    }

    /** The figures of one step. */
    private record Step(int calls, List<Outcome> outcomes, Scrape before, Scrape after, double serviceCpuSeconds,
                        double benchCpuSeconds, double wallSeconds, long peakRssKb, Optional<ServiceProcess.Heap> heap,
                        List<Long> decisionDelays, int notEnded, List<long[]> rssKbByMinute) {
        static final String HEADER = String.format("%5s | %17s | %13s | %19s | %16s | %16s | %7s | %9s | %15s | %s",
                "calls", "lag p50/p95 ms", "clock p95 ms", "decision p50/p95 ms", "CPU %core (mach)",
                "RSS MB (per call)", "dropped", "speech %", "generator late", "verdict");

        Scrape.Histogram lag() {
            return after.histogram(LAG).minus(before.histogram(LAG));
        }

        double dropped() {
            return counter(FRAMES, "result", "backlog-full");
        }

        double counter(String name, String label, String value) {
            return after.sum(name, label, value) - before.sum(name, label, value);
        }

        boolean lagMeasured() {
            return lag().count() > 0;
        }

        boolean kept() {
            return lagMeasured() && lag().quantile(0.95) < MAX_LAG_P95_SECONDS && dropped() == 0 && notEnded == 0
                    && errors().isEmpty();
        }

        List<String> errors() {
            return outcomes.stream().flatMap(o -> o.error().stream()).toList();
        }

        List<Outcome> streamed() {
            return outcomes.stream().filter(Outcome::streamed).toList();
        }

        String lagText() {
            if (!lagMeasured()) {
                return "n/a";
            }
            Scrape.Histogram lag = lag();
            return String.format("%.0f / %s%.0f", 1000 * lag.quantile(0.5), lag.beyondBuckets(0.95) ? ">" : "",
                    1000 * lag.quantile(0.95));
        }

        /** The voice-activity clock's p95, where the service measures it apart from the recogniser's. */
        String clockText() {
            if (!after.has(CLOCK_LAG + "_count")) {
                return "= lag";
            }
            Scrape.Histogram clock = after.histogram(CLOCK_LAG).minus(before.histogram(CLOCK_LAG));
            return clock.count() == 0 ? "n/a" : String.format("%s%.0f", clock.beyondBuckets(0.95) ? ">" : "",
                    1000 * clock.quantile(0.95));
        }

        String decisionText() {
            return decisionDelays.isEmpty() ? "none spoken" : String.format("%d / %d (%d)", percentile(decisionDelays, 0.5),
                    percentile(decisionDelays, 0.95), decisionDelays.size());
        }

        /** How late the generator's frames left against real time, p95 / max ms: a busy bench JVM flatters the service. */
        String lateText() {
            List<Long> late = new ArrayList<>();
            for (Outcome o : streamed()) {
                for (long l : o.played().lateMs()) {
                    late.add(l);
                }
            }
            return late.isEmpty() ? "n/a" : String.format("p95 %d max %d", percentile(late, 0.95),
                    late.stream().mapToLong(Long::longValue).max().orElse(0));
        }

        double speechShare() {
            return streamed().stream().mapToDouble(o -> o.layout().speechMs()).sum()
                    / Math.max(1, streamed().stream().mapToDouble(o -> o.layout().durationMs()).sum());
        }

        String row(long idleRssKb, int cores) {
            double cpu = 100 * serviceCpuSeconds / wallSeconds;
            return String.format("%5d | %17s | %13s | %19s | %7.0f (%5.1f) | %6.0f (%6.1f) | %7.0f | %9.0f | %15s | %s",
                    calls, lagText(), clockText(), decisionText(), cpu, cpu / cores, peakRssKb / 1024.0,
                    (peakRssKb - idleRssKb) / 1024.0 / calls, dropped(), 100 * speechShare(), lateText(),
                    !lagMeasured() ? "no lag histogram in /metrics" : kept() ? "kept at real time" : "falls behind");
        }

        String admission() {
            long atAnswer = outcomes.stream().filter(o -> o.fate() == Fate.QUEUED_AT_ANSWER).count();
            long atStream = outcomes.stream().filter(o -> o.fate() == Fate.QUEUED_AT_STREAM).count();
            String serverCount = after.has(OVERFLOW)
                    ? String.format("%.0f", after.sum(OVERFLOW) - before.sum(OVERFLOW)) : "n/a (no " + OVERFLOW + ")";
            return String.format("  %d transcribed, %d sent to a queue (%d by the answer's TwiML: <Enqueue>, no <Stream>; "
                            + "%d by REST when their stream came); the service counted %s overflowed%n  transcribed calls: lag p50/p95 ms %s, decision p50/p95 ms %s, "
                            + "dropped frames %.0f; service CPU %.0f %% of a core, RSS %.0f MB; generator late %s ms",
                    streamed().size(), atAnswer + atStream, atAnswer, atStream, serverCount, lagText(), decisionText(), dropped(),
                    100 * serviceCpuSeconds / wallSeconds, peakRssKb / 1024.0, lateText());
        }

        /** What makes a step's figures doubtful or its calls incomplete, one line each. */
        List<String> problems() {
            List<String> out = new ArrayList<>();
            errors().stream().limit(3).forEach(e -> out.add("error: " + e));
            if (errors().size() > 3) {
                out.add("... " + (errors().size() - 3) + " more errors");
            }
            if (notEnded > 0) {
                out.add(notEnded + " calls were not fully transcribed " + DRAIN.toSeconds() + " s after they ended");
            }
            double sent = streamed().stream().mapToLong(o -> o.layout().audio().length / Simulator.FRAME_BYTES
                    * (o.agent().isPresent() ? 2 : 1)).sum();
            double heard = counter(FRAMES, "result", "accepted") + dropped();
            if (Math.abs(sent - heard) > 0.5) {
                out.add(String.format("frames sent %.0f, the service counted %.0f", sent, heard));
            }
            out.add(String.format("bench JVM (callers + WireMock) CPU %.0f %% of a core; step %.1f s; %d spoken "
                    + "updates for %d turns; %d calls with an agent%s", 100 * benchCpuSeconds / wallSeconds, wallSeconds,
                    decisionDelays.size(),
                    streamed().stream().mapToInt(o -> o.layout().turnEndsMs().size()).sum(),
                    streamed().stream().filter(o -> o.agent().isPresent()).count(),
                    heap.map(h -> String.format("; service Java heap at the end %.0f MB committed, %.0f MB used "
                            + "(the rest of its RSS is native: Vosk, threads, code)", h.committedKb() / 1024.0,
                            h.usedKb() / 1024.0)).orElse("")));
            return out;
        }
    }

    private static long percentile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
