package com.calmline.app;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code evaluate DIR}: plays every rendered corpus call in DIR through a running service, as {@code simulate}
 * does (signed webhook, media stream, a caller who waits for the line), and prints how the line did: dead
 * air, requests heard, anger per turn, what it said back, talk-overs, topic routing (how many were asked which
 * topic, accuracy with and without asking, recall per topic), and every failure.
 */
final class EvaluateCommand {
    static final String USAGE = "evaluate DIR [--url http://localhost:8080] [--speed N] [--parallel N] [--from NUMBER]"
            + " [--json]";

    /** The whole run: every call's result, in name order. */
    record Report(List<Evaluation.CallResult> calls) {
        List<Long> deadAirMs() {
            return calls.stream().flatMap(c -> c.deadAir().stream()).map(Evaluation.DeadAir::ms).sorted().toList();
        }

        long deadAirMaxMs() {
            List<Long> all = deadAirMs();
            return all.isEmpty() ? 0 : all.get(all.size() - 1);
        }

        long deadAirP95Ms() {
            List<Long> all = deadAirMs();
            return all.isEmpty() ? 0 : all.get((int) Math.ceil(0.95 * all.size()) - 1);
        }

        /** Per kind {tp, fp, fn}. */
        Map<String, int[]> requests() {
            Map<String, int[]> sum = new TreeMap<>();
            for (Evaluation.CallResult c : calls) {
                c.requests().forEach((kind, n) -> {
                    int[] s = sum.computeIfAbsent(kind, k -> new int[3]);
                    for (int i = 0; i < 3; i++) {
                        s[i] += n[i];
                    }
                });
            }
            return sum;
        }

        /** {tp, fp, fn, turns}. */
        int[] anger() {
            int[] sum = new int[4];
            calls.forEach(c -> {
                for (int i = 0; i < 4; i++) {
                    sum[i] += c.anger()[i];
                }
            });
            return sum;
        }

        List<Evaluation.SaidBack> saidBack() {
            return calls.stream().flatMap(c -> c.saidBack().stream()).toList();
        }

        long faithful() {
            return saidBack().stream().filter(s -> s.unsaidWords().isEmpty()).count();
        }

        long fragments() {
            return saidBack().stream().filter(s -> s.fragment().isPresent()).count();
        }

        long informativeEligible() {
            return calls.stream().filter(Evaluation.CallResult::informativeEligible).count();
        }

        long informative() {
            return calls.stream().filter(c -> c.informativeEligible() && c.informative()).count();
        }

        long informativeSureEligible() {
            return calls.stream().filter(Evaluation.CallResult::keyHeardSurely).count();
        }

        long informativeSure() {
            return calls.stream().filter(c -> c.keyHeardSurely() && c.informative()).count();
        }

        int talkOvers() {
            return calls.stream().mapToInt(Evaluation.CallResult::talkOvers).sum();
        }

        int bargeIns() {
            return calls.stream().mapToInt(Evaluation.CallResult::bargeIns).sum();
        }

        Optional<Long> silentStartMaxMs() {
            return calls.stream().flatMap(c -> c.silentStartPromptMs().stream()).max(Long::compare);
        }

        List<Evaluation.TopicResult> routed() {
            return calls.stream().map(Evaluation.CallResult::topic).filter(t -> !t.routed().isEmpty()).toList();
        }

        long topicAsked() {
            return calls.stream().filter(c -> c.topic().asked()).count();
        }

        List<Evaluation.TopicResult> routedWithoutAsking() {
            return routed().stream().filter(t -> !t.asked()).toList();
        }

        /** Per topic of the calls routed: {routed to it, all}. */
        Map<String, int[]> topicRecall() {
            Map<String, int[]> recall = new TreeMap<>();
            routed().forEach(t -> {
                int[] n = recall.computeIfAbsent(t.truth(), k -> new int[2]);
                n[0] += t.correct() ? 1 : 0;
                n[1]++;
            });
            return recall;
        }

        long silentStarts() {
            return calls.stream().filter(c -> c.silentStartPromptMs().isPresent()).count();
        }
    }

    private EvaluateCommand() {
    }

    static int run(String[] args, Config config, PrintStream out, PrintStream err) throws Exception {
        Args a = new Args("evaluate", args, 1);
        String dirName = null;
        String url = "http://localhost:8080";
        double speed = 1;
        int parallel = 3;
        boolean json = false;
        String from = Simulator.exampleCaller(config.callbacks().defaultRegion());
        while (a.more()) {
            String arg = a.flag();
            switch (arg) {
                case "--url" -> url = a.value(arg);
                case "--speed" -> speed = a.positive(arg);
                case "--parallel" -> parallel = a.whole(arg, 1);
                case "--from" -> from = a.value(arg);
                case "--json" -> json = true;
                default -> {
                    if (arg.startsWith("-")) {
                        throw a.unknown(arg);
                    }
                    if (dirName != null) {
                        throw a.usage("one DIR at a time, not also " + arg);
                    }
                    dirName = arg;
                }
            }
        }
        if (dirName == null || !Files.isDirectory(Path.of(dirName))) {
            throw a.usage((dirName == null ? "give" : dirName + " is not") + " a directory of rendered calls "
                    + "(scripts/make-corpus.sh OUT_DIR corpus/dev/*.call)");
        }
        Path dir = Path.of(dirName);
        Simulator simulator = new Simulator(java.net.URI.create(url), config.publicBaseUrl().orElse(url),
                config.twilioAuthToken(), config.apiToken().or(() -> DemoToken.read(config.dataDir())));
        Report report = evaluate(simulator, CorpusCall.inDirectory(dir), from, speed, parallel,
                err);
        out.println(json ? json(report) : table(report));
        return 0;
    }

    static Report evaluate(Simulator simulator, List<CorpusCall> calls, String from, double speed, int parallel,
                           PrintStream progress) throws Exception {
        Evaluation evaluation = new Evaluation(new SaidBackGrammar());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Evaluation.CallResult>> results = new ArrayList<>();
            for (CorpusCall call : calls) {
                results.add(pool.submit(() -> {
                    byte[] mulaw = Files.readAllBytes(call.audio());
                    Duration patience = Duration.ofSeconds(60).plusMillis((long) (mulaw.length / 8 / speed));
                    Simulator.Played played = simulator.play(from, "+15555550199", mulaw, Optional.of(call.script()),
                            speed, patience);
                    Evaluation.CallResult result = evaluation.score(call, played.playback(), played.events(),
                            simulator.record(played.callSid()));
                    progress.printf("%s %s: %d failure(s)%n", played.callSid(), call.name(), result.failures().size());
                    return result;
                }));
            }
            List<Evaluation.CallResult> done = new ArrayList<>();
            for (Future<Evaluation.CallResult> f : results) {
                done.add(f.get());
            }
            return new Report(List.copyOf(done));
        } finally {
            pool.shutdownNow();
        }
    }

    static String table(Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-30s %d%n", "calls", r.calls().size()));
        List<Long> dead = r.deadAirMs();
        b.append(String.format(Locale.ROOT, "%-30s max %.1f s, p95 %.1f s over %d turn ends; %d over %.0f s%n",
                "dead air after a caller's turn", r.deadAirMaxMs() / 1000.0, r.deadAirP95Ms() / 1000.0, dead.size(),
                dead.stream().filter(d -> d > Evaluation.DEAD_AIR_LIMIT_MS).count(),
                Evaluation.DEAD_AIR_LIMIT_MS / 1000.0));
        b.append(String.format(Locale.ROOT, "%-30s %s%n", "silent from the start",
                r.silentStartMaxMs().map(ms -> String.format(Locale.ROOT, "first prompt at most %.1f s after the "
                        + "greeting (%d calls)", ms / 1000.0, r.silentStarts())).orElse("-")));
        b.append(String.format(Locale.ROOT, "%-30s %9s %6s %4s %4s %4s%n", "requests", "precision", "recall", "tp",
                "fp", "fn"));
        r.requests().forEach((kind, n) -> b.append(String.format(Locale.ROOT, "  %-28s %9s %6s %4d %4d %4d%n", kind,
                ratio(n[0], n[0] + n[1]), ratio(n[0], n[0] + n[2]), n[0], n[1], n[2])));
        int[] a = r.anger();
        b.append(String.format(Locale.ROOT, "%-30s precision %s, recall %s, F1 %s over %d turns%n", "anger per turn",
                ratio(a[0], a[0] + a[1]), ratio(a[0], a[0] + a[2]), f1(a[0], a[1], a[2]), a[3]));
        List<Evaluation.SaidBack> said = r.saidBack();
        b.append(String.format(Locale.ROOT, "%-30s %d; faithful %s; fragments %d%n", "said back", said.size(),
                percent(r.faithful(), said.size()), r.fragments()));
        b.append(String.format(Locale.ROOT, "%-30s %s (%d of %d calls that heard the problem's key word); %s of "
                        + "those that heard it surely (%d of %d)%n", "informative",
                percent(r.informative(), r.informativeEligible()), r.informative(), r.informativeEligible(),
                percent(r.informativeSure(), r.informativeSureEligible()), r.informativeSure(),
                r.informativeSureEligible()));
        b.append(String.format(Locale.ROOT, "%-30s %d (barge-ins %d)%n", "talk-overs", r.talkOvers(), r.bargeIns()));
        List<Evaluation.TopicResult> routed = r.routed();
        List<Evaluation.TopicResult> unasked = r.routedWithoutAsking();
        b.append(String.format(Locale.ROOT, "%-30s asked %s of %d calls; accuracy %s on %d routed without asking, "
                        + "%s on all %d routed%n", "topic routing", percent(r.topicAsked(), r.calls().size()),
                r.calls().size(), ratio(unasked.stream().filter(Evaluation.TopicResult::correct).count(),
                        unasked.size()), unasked.size(),
                ratio(routed.stream().filter(Evaluation.TopicResult::correct).count(), routed.size()), routed.size()));
        r.topicRecall().forEach((topic, n) -> b.append(String.format(Locale.ROOT, "  %-28s recall %s (%d of %d)%n",
                topic, ratio(n[0], n[1]), n[0], n[1])));
        long failures = r.calls().stream().mapToLong(c -> c.failures().size()).sum();
        b.append(String.format(Locale.ROOT, "failures: %d%n", failures));
        for (Evaluation.CallResult c : r.calls()) {
            c.failures().forEach(f -> b.append("  ").append(c.name()).append(": ").append(f).append('\n'));
        }
        return b.toString().stripTrailing();
    }

    static String json(Report r) {
        ObjectNode root = Json.object();
        root.put("calls", r.calls().size());
        root.putObject("deadAir").put("maxMs", r.deadAirMaxMs()).put("p95Ms", r.deadAirP95Ms())
                .put("turnEnds", r.deadAirMs().size())
                .put("over", r.deadAirMs().stream().filter(d -> d > Evaluation.DEAD_AIR_LIMIT_MS).count());
        r.silentStartMaxMs().ifPresent(ms -> root.putObject("silentStart").put("maxMs", ms)
                .put("calls", r.silentStarts()));
        ObjectNode requests = root.putObject("requests");
        r.requests().forEach((kind, n) -> requests.putObject(kind).put("tp", n[0]).put("fp", n[1]).put("fn", n[2])
                .put("precision", ratioValue(n[0], n[0] + n[1])).put("recall", ratioValue(n[0], n[0] + n[2])));
        int[] a = r.anger();
        root.putObject("anger").put("turns", a[3]).put("tp", a[0]).put("fp", a[1]).put("fn", a[2])
                .put("precision", ratioValue(a[0], a[0] + a[1])).put("recall", ratioValue(a[0], a[0] + a[2]))
                .put("f1", ratioValue(2 * a[0], 2 * a[0] + a[1] + a[2]));
        root.putObject("saidBack").put("count", r.saidBack().size()).put("faithful", r.faithful())
                .put("faithfulness", ratioValue(r.faithful(), r.saidBack().size())).put("fragments", r.fragments())
                .put("informativeEligible", r.informativeEligible()).put("informative", r.informative())
                .put("informativeness", ratioValue(r.informative(), r.informativeEligible()))
                .put("informativeSureEligible", r.informativeSureEligible()).put("informativeSure", r.informativeSure())
                .put("informativenessSure", ratioValue(r.informativeSure(), r.informativeSureEligible()));
        root.put("talkOvers", r.talkOvers()).put("bargeIns", r.bargeIns());
        List<Evaluation.TopicResult> routed = r.routed();
        List<Evaluation.TopicResult> unasked = r.routedWithoutAsking();
        ObjectNode topics = root.putObject("topics").put("asked", r.topicAsked())
                .put("askedShare", ratioValue(r.topicAsked(), r.calls().size())).put("routed", routed.size())
                .put("accuracy", ratioValue(routed.stream().filter(Evaluation.TopicResult::correct).count(),
                        routed.size()))
                .put("routedWithoutAsking", unasked.size())
                .put("accuracyWithoutAsking", ratioValue(unasked.stream().filter(Evaluation.TopicResult::correct)
                        .count(), unasked.size()));
        ObjectNode recall = topics.putObject("recall");
        r.topicRecall().forEach((topic, n) -> recall.put(topic, ratioValue(n[0], n[1])));
        ArrayNode calls = root.putArray("perCall");
        for (Evaluation.CallResult c : r.calls()) {
            ObjectNode call = calls.addObject().put("name", c.name())
                    .put("deadAirMaxMs", c.deadAir().stream().mapToLong(Evaluation.DeadAir::ms).max().orElse(0))
                    .put("talkOvers", c.talkOvers()).put("topic", c.topic().truth())
                    .put("routedTopic", c.topic().routed()).put("askedTopic", c.topic().asked());
            ArrayNode said = call.putArray("saidBack");
            c.saidBack().forEach(s -> said.add(s.text()));
            ArrayNode failures = call.putArray("failures");
            c.failures().forEach(failures::add);
            ArrayNode heard = call.putArray("heard");
            c.heard().forEach(heard::add);
        }
        return root.toString();
    }

    /** The ratio, or null (no value) when there was nothing to count. */
    private static Double ratioValue(long n, long d) {
        return d == 0 ? null : (double) n / d;
    }

    private static String ratio(long n, long d) {
        return d == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) n / d);
    }

    private static String percent(long n, long d) {
        return d == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * n / d);
    }

    private static String f1(int tp, int fp, int fn) {
        return ratio(2L * tp, 2L * tp + fp + fn);
    }
}
