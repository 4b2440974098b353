package com.calmline.review;

import ch.qos.logback.classic.Level;
import com.calmline.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Benchmark, not a test (run with {@code mvn -B -Pbench-search verify}): the supervisors' call list and search
 * over 100,000 calls written through the live path (Store and LiveCalls, as the service writes them) into the
 * embedded Redis. Each query is timed as the page makes it: the index search plus the read of the page's call
 * hashes. Prints figures against the targets; never fails on time.
 */
public final class SearchBench {
    private static final int CALLS = 100_000;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final int SPREAD_DAYS = 80;
    private static final int WARM_UP = 20;
    private static final int QUERIES = 200;
    /** The call list's page size (Supervision.PAGE). */
    private static final int PAGE = 25;
    private static final double SEARCH_TARGET_MS = 100;
    private static final double LIST_TARGET_MS = 200;
    private static final List<String> TOPICS = List.of("billing", "refund", "technical", "delivery", "cancellation",
            "account", "other");
    private static final Map<String, String> QUEUES = Map.of("billing", "billing", "refund", "billing",
            "technical", "tech-support", "delivery", "orders", "cancellation", "retention", "account", "accounts",
            "other", "support");
    /** Share of calls per topic, in the order of TOPICS. */
    private static final double[] TOPIC_SHARES = {0.25, 0.15, 0.20, 0.15, 0.08, 0.10, 0.07};

    /**
     * One row of the table: the times of every query of a kind, and how many calls they matched. Only the
     * unfiltered first page of the list is held to the list's target; anything filtered, to the search's.
     */
    private record Row(String label, double[] ms, double meanTotal, boolean firstPage) {
        double median() {
            return rank(0.50);
        }

        double p95() {
            return rank(0.95);
        }

        double max() {
            return ms[ms.length - 1];
        }

        /** Nearest rank on the sorted times. */
        private double rank(double q) {
            return ms[Math.max(0, (int) Math.ceil(q * ms.length) - 1)];
        }
    }

    public static void main(String[] args) throws Exception {
        // Thousands of hot-call alerts are logged while generating; they would bury the figures.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(LiveCalls.class)).setLevel(Level.WARN);
        System.out.printf("cores: %d, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        Path dataDir = Files.createTempDirectory("calmline-search-bench");
        try {
            try (Store store = Store.open(Optional.empty(), dataDir, "calmline:", Duration.ofDays(90))) {
                run(store, dataDir);
            }
        } finally {
            delete(dataDir);
        }
    }

    private static void run(Store store, Path dataDir) throws IOException {
        Vocabulary vocabulary = new Vocabulary(new Random(3000));
        long now = System.currentTimeMillis();
        generate(store, vocabulary, now, new Random(42));
        try (RedisClient redis = RedisClient.create("127.0.0.1",
                Integer.parseInt(Files.readString(dataDir.resolve("redis.port")).strip()), null,
                Files.readString(dataDir.resolve("redis.password")).strip())) {
            System.out.printf("Redis used_memory_human: %s, append-only file on disk: %d MB%n",
                    info(redis, "memory", "used_memory_human"), size(dataDir) >> 20);
        }
        sizes(store, vocabulary);
        CallIndex index = new CallIndex(store.indexes());
        List<Row> rows = measure(store, index, vocabulary, now, new Random(7));
        print(rows);
    }

    /** Every call as the service records it: created, heard, routed, its peak stored, ended. */
    private static void generate(Store store, Vocabulary vocabulary, long now, Random random) {
        LiveCalls live = new LiveCalls(store.indexes(), new Supervision.Settings(0.8, 2, ZoneId.systemDefault(),
                Duration.ofDays(90)));
        long began = System.nanoTime();
        for (int i = 1; i <= CALLS; i++) {
            String sid = String.format("CA%016x%016x", random.nextLong(), random.nextLong());
            long started = now - (long) (random.nextDouble() * SPREAD_DAYS * DAY_MS);
            String from = String.format("+1555%07d", random.nextInt(40_000));
            store.calls().createCall(sid, started, Map.of("callSid", sid, "from", from, "to", "+18005550199",
                    "started", Instant.ofEpochMilli(started).toString(), "state", "GREETING"));
            double peak = peak(random);
            int utterances = 4 + random.nextInt(5);
            int loudest = random.nextInt(utterances);
            long at = 0;
            for (int u = 0; u < utterances; u++) {
                at += 3000 + random.nextInt(9000);
                double anger = u == loudest ? peak : peak * (0.3 + 0.7 * random.nextDouble());
                // LiveCalls dates a call by "now minus atMs" on its first utterance; the backdated offset puts
                // it at its start, the same score calls:by-start has (as CallIndexIT does).
                live.heard(sid, at + (System.currentTimeMillis() - started), "caller",
                        vocabulary.utterance(random, 8 + random.nextInt(8)), anger, level(anger));
            }
            String topic = topic(random);
            live.routed(sid, new CallEvent.Route(at, QUEUES.get(topic), topic, 0.9, "bench"));
            at += 30_000 + random.nextInt(600_000);
            int talkOvers = random.nextInt(3);
            store.calls().updateCall(sid, Map.of("state", "ENDED", "topic", topic, "queue", QUEUES.get(topic),
                    "angerPeak", String.format(Locale.ROOT, "%.2f", peak), "durationMs", Long.toString(at),
                    "talkOvers", Integer.toString(talkOvers)));
            live.ended(sid, new CallEvent.Summary(at, peak, level(peak), "steady", peak >= 0.5 ? 5 + random.nextInt(40)
                    : 0, talkOvers, 0, 0, 0, "", "", ""));
            if (i % 10_000 == 0) {
                double s = (System.nanoTime() - began) / 1e9;
                System.out.printf("generated %,d calls in %.1f s (%.0f calls/s)%n", i, s, i / s);
            }
        }
        double s = (System.nanoTime() - began) / 1e9;
        System.out.printf("generation: %,d calls in %.1f s, %.0f calls/s%n", CALLS, s, CALLS / s);
    }

    /** Most callers calm: about 20 % peak at 0.5 or more, about 5 % at 0.9 or more. */
    private static double peak(Random random) {
        double r = random.nextDouble();
        if (r < 0.80) {
            return 0.02 + 0.48 * random.nextDouble();
        }
        return r < 0.95 ? 0.5 + 0.4 * random.nextDouble() : 0.9 + 0.1 * random.nextDouble();
    }

    private static String level(double anger) {
        return anger >= 0.5 ? "angry" : anger >= 0.25 ? "annoyed" : "calm";
    }

    private static String topic(Random random) {
        double r = random.nextDouble();
        for (int i = 0; i < TOPICS.size() - 1; i++) {
            r -= TOPIC_SHARES[i];
            if (r < 0) {
                return TOPICS.get(i);
            }
        }
        return TOPICS.get(TOPICS.size() - 1);
    }

    /** How big the sets a query intersects are: what its cost follows. */
    private static void sizes(Store store, Vocabulary v) {
        System.out.printf("calls:by-start %,d%n", all(store, "calls:by-start"));
        StringBuilder words = new StringBuilder("calls per word (non-stop rank: calls):");
        for (int rank : new int[] {1, 2, 5, 10, 20, 50, 100, 300, 500, 1000, 2000, v.searchable.size()}) {
            words.append(String.format(" %d %s: %,d;", rank, v.searchable.get(rank - 1),
                    all(store, CallIndex.word(v.searchable.get(rank - 1)))));
        }
        System.out.println(words);
        System.out.printf("calls with anger >= 0.5: %,d, >= 0.75: %,d%n", all(store, "index:anger:0.5"),
                all(store, "index:anger:0.75"));
        StringBuilder topics = new StringBuilder("calls per topic:");
        TOPICS.forEach(t -> topics.append(String.format(" %s %,d;", t, all(store, "index:topic:" + t))));
        System.out.println(topics);
    }

    private static long all(Store store, String key) {
        return store.indexes().count(key, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    private static List<Row> measure(Store store, CallIndex index, Vocabulary v, long now, Random random) {
        long from = now - 90 * DAY_MS;
        long to = Long.MAX_VALUE / 2;
        Function<String, CallIndex.Query> text = q -> new CallIndex.Query(from, to, "", "", "", "", "", q, 0, PAGE);
        List<Row> rows = new ArrayList<>();
        rows.add(time("call list, first page, no filters", true, store, index, random,
                r -> new CallIndex.Query(from, to, "", "", "", "", "", "", 0, PAGE)));
        List<Row> oneWord = List.of(
                time("1 word, common (non-stop rank 1-20)", false, store, index, random,
                        r -> text.apply(v.ranked(r, 1, 20))),
                time("1 word, mid (rank 100-500)", false, store, index, random,
                        r -> text.apply(v.ranked(r, 100, 500))),
                time("1 word, rare (rank 1000-" + v.searchable.size() + ")", false, store, index, random,
                        r -> text.apply(v.ranked(r, 1000, v.searchable.size()))));
        rows.addAll(oneWord);
        rows.add(merged("1 word, all three bands together", oneWord));
        rows.add(time("1 word, support vocabulary (refund, router...)", false, store, index, random,
                r -> text.apply(v.support.get(r.nextInt(v.support.size())))));
        rows.add(time("2 words (AND), bands mixed", false, store, index, random,
                r -> text.apply(v.banded(r) + " " + v.banded(r))));
        rows.add(time("1 word + anger >= 0.75", false, store, index, random,
                r -> new CallIndex.Query(from, to, "0.75", "", "", "", "", v.banded(r), 0, PAGE)));
        rows.add(time("1 word + topic", false, store, index, random,
                r -> new CallIndex.Query(from, to, "", TOPICS.get(r.nextInt(TOPICS.size())), "", "", "",
                        v.banded(r), 0, PAGE)));
        rows.add(time("anger >= 0.5 alone", false, store, index, random,
                r -> new CallIndex.Query(from, to, "0.5", "", "", "", "", "", 0, PAGE)));
        rows.add(time("one-week date range alone", false, store, index, random, r -> {
            long start = now - (long) (r.nextDouble() * (SPREAD_DAYS - 7) * DAY_MS) - 7 * DAY_MS;
            return new CallIndex.Query(start, start + 7 * DAY_MS - 1, "", "", "", "", "", "", 0, PAGE);
        }));
        return rows;
    }

    /** {@link #WARM_UP} untimed queries, then {@link #QUERIES} timed ones, each the search plus its page's hashes. */
    private static Row time(String label, boolean firstPage, Store store, CallIndex index, Random random,
                            Function<Random, CallIndex.Query> next) {
        double[] ms = new double[QUERIES];
        long totals = 0;
        for (int i = -WARM_UP; i < QUERIES; i++) {
            CallIndex.Query q = next.apply(random);
            long t0 = System.nanoTime();
            CallIndex.Page page = index.search(q);
            store.calls().calls(page.callSids());
            long t1 = System.nanoTime();
            if (i >= 0) {
                ms[i] = (t1 - t0) / 1e6;
                totals += page.total();
            }
        }
        Arrays.sort(ms);
        return new Row(label, ms, (double) totals / QUERIES, firstPage);
    }

    private static Row merged(String label, List<Row> rows) {
        double[] ms = rows.stream().flatMapToDouble(r -> Arrays.stream(r.ms())).sorted().toArray();
        return new Row(label, ms, rows.stream().mapToDouble(Row::meanTotal).average().orElse(0), false);
    }

    private static void print(List<Row> rows) {
        System.out.printf("%nEach row: %d queries after %d warm-up, timed around index.search + store.calls (%d "
                + "hashes), as the page makes them.%n", QUERIES, WARM_UP, PAGE);
        String header = String.format("%-48s %7s %9s %9s %9s %12s  %s", "query", "n", "median ms", "p95 ms",
                "max ms", "mean matches", "target");
        System.out.println(header);
        System.out.println("-".repeat(header.length() + 8));
        boolean pass = true;
        for (Row r : rows) {
            double target = r.firstPage() ? LIST_TARGET_MS : SEARCH_TARGET_MS;
            boolean ok = r.median() < target;
            pass &= ok;
            System.out.printf(Locale.ROOT, "%-48s %7d %9.2f %9.2f %9.2f %12.0f  median < %.0f ms: %s%n", r.label(),
                    r.ms().length, r.median(), r.p95(), r.max(), r.meanTotal(), target, ok ? "PASS" : "FAIL");
        }
        Row list = rows.get(0);
        System.out.printf(Locale.ROOT, "%nfirst page of the call list: median %.2f ms, p95 %.2f ms, target < %.0f ms: %s"
                + "%nsearches: worst median %.2f ms, target median < %.0f ms: %s%noverall: %s%n", list.median(),
                list.p95(), LIST_TARGET_MS, list.median() < LIST_TARGET_MS ? "PASS" : "FAIL",
                rows.stream().filter(r -> !r.firstPage()).mapToDouble(Row::median).max().orElse(0), SEARCH_TARGET_MS,
                rows.stream().filter(r -> !r.firstPage()).allMatch(r -> r.median() < SEARCH_TARGET_MS) ? "PASS" : "FAIL",
                pass ? "PASS" : "FAIL");
    }

    private static String info(RedisClient redis, String section, String field) {
        return redis.info(section).lines().filter(l -> l.startsWith(field + ":")).findFirst()
                .map(l -> l.substring(field.length() + 1).strip()).orElse("?");
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * About 3000 words ranked by how often callers say them, drawn with Zipf's law (frequency ~ 1/rank): the
     * words of everyday speech first (many of them stop words the index leaves out), support words among the
     * frequent ones, then pronounceable pseudo-words made from syllables for the long tail.
     */
    private static final class Vocabulary {
        private static final int SIZE = 3000;
        private static final List<String> SPOKEN = List.of("i", "the", "to", "and", "you", "it", "a", "my", "that",
                "is", "uh", "of", "um", "this", "just", "was", "me", "for", "on", "have", "in", "so", "but", "can",
                "not", "it's", "i'm", "get", "what", "be", "know", "like", "we", "they", "your", "with", "do", "no",
                "at", "need", "want", "been", "there", "all", "would", "why", "one", "still", "if", "again", "now",
                "how", "are", "our", "told", "yes", "okay", "from", "time", "said", "don't", "can't", "didn't",
                "because", "them", "going", "really", "back", "when", "about", "or", "call", "please", "help",
                "right", "then", "week", "days", "today", "here", "an", "some", "sure", "thing", "has", "had",
                "were", "he", "she", "his", "her", "its", "their", "us", "by", "as");
        private static final List<String> SUPPORT = List.of("refund", "charged", "charge", "twice", "bill",
                "billing", "invoice", "payment", "card", "credit", "debit", "account", "password", "login", "locked",
                "reset", "email", "router", "internet", "wifi", "connection", "slow", "outage", "modem", "signal",
                "broadband", "speed", "technician", "engineer", "parcel", "package", "delivery", "delivered",
                "courier", "tracking", "order", "ordered", "missing", "damaged", "late", "address", "return",
                "exchange", "cancel", "cancellation", "contract", "subscription", "plan", "upgrade", "downgrade",
                "fee", "fees", "overcharged", "balance", "statement", "transfer", "bank", "pay", "paid", "money",
                "price", "discount", "voucher", "complaint", "manager", "supervisor", "agent", "waiting", "hold",
                "hours", "minutes", "ticket", "reference", "number", "phone", "mobile", "sim", "app", "website",
                "error", "broken", "working", "fixed", "replace", "replacement", "warranty", "store", "item", "box",
                "driver", "door", "refunded", "compensation", "loyalty", "renewal", "disconnect", "reconnect",
                "verify", "security", "fraud", "unauthorized");
        private static final String[] ONSETS = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                "z", "br", "cl", "dr", "gr", "pl", "st", "tr", "sh", "ch"};
        private static final String[] NUCLEI = {"a", "e", "i", "o", "u", "ai", "ou"};
        private static final String[] CODAS = {"", "", "n", "r", "l", "s", "t"};

        /** All words, by rank. */
        final List<String> words;
        /** The words a search can use (not stop words), by rank: "non-stop rank" r is searchable.get(r - 1). */
        final List<String> searchable;
        final List<String> support = SUPPORT;
        private final double[] cumulative;

        Vocabulary(Random random) {
            Set<String> tail = new LinkedHashSet<>();
            while (tail.size() < SIZE - SPOKEN.size() - SUPPORT.size()) {
                StringBuilder w = new StringBuilder();
                for (int s = 2 + random.nextInt(2); s > 0; s--) {
                    w.append(ONSETS[random.nextInt(ONSETS.length)]).append(NUCLEI[random.nextInt(NUCLEI.length)])
                            .append(CODAS[random.nextInt(CODAS.length)]);
                }
                String word = w.toString();
                if (!SPOKEN.contains(word) && !SUPPORT.contains(word)) {
                    tail.add(word);
                }
            }
            // Support words take every fourth place after everyday speech: a call centre says "refund" a lot.
            List<String> ranked = new ArrayList<>(SPOKEN);
            List<String> rest = new ArrayList<>(tail);
            for (int i = 0, t = 0; i < SUPPORT.size(); i++) {
                ranked.add(SUPPORT.get(i));
                ranked.addAll(rest.subList(t, t + 3));
                t += 3;
            }
            ranked.addAll(rest.subList(3 * SUPPORT.size(), rest.size()));
            words = List.copyOf(ranked);
            searchable = words.stream().filter(w -> !CallIndex.terms(w).isEmpty()).toList();
            cumulative = new double[words.size()];
            double sum = 0;
            for (int r = 0; r < words.size(); r++) {
                sum += 1.0 / (r + 1);
                cumulative[r] = sum;
            }
            for (int r = 0; r < cumulative.length; r++) {
                cumulative[r] /= sum;
            }
        }

        String utterance(Random random, int length) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < length; i++) {
                int r = Arrays.binarySearch(cumulative, random.nextDouble());
                s.append(i == 0 ? "" : " ").append(words.get(r >= 0 ? r + 1 : -r - 1));
            }
            return s.toString();
        }

        /** A searchable word of non-stop rank {@code first}..{@code last}, uniformly. */
        String ranked(Random random, int first, int last) {
            return searchable.get(first - 1 + random.nextInt(last - first + 1));
        }

        /** A word from the common, mid or rare band, each a third of the time. */
        String banded(Random random) {
            return switch (random.nextInt(3)) {
                case 0 -> ranked(random, 1, 20);
                case 1 -> ranked(random, 100, 500);
                default -> ranked(random, 1000, searchable.size());
            };
        }
    }
}
