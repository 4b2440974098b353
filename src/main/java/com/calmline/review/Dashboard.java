package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.store.IndexStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The supervisors' figures, from per-day counters ({@code stats:{day}}, written as each call ends) and each
 * day's venting seconds ({@code stats:{day}:venting}), so the dashboard costs a few reads however many calls
 * there were.
 */
final class Dashboard {
    private static final String MEDIAN = """
            local p, tmp, n = ARGV[1], ARGV[1] .. ARGV[2], tonumber(ARGV[3])
            local keys = {}
            for i = 1, n do keys[#keys + 1] = p .. ARGV[3 + i] end
            redis.call('ZUNIONSTORE', tmp, #keys, unpack(keys))
            local count = redis.call('ZCARD', tmp)
            if count == 0 then return '' end
            local mid = redis.call('ZRANGE', tmp, math.floor((count - 1) / 2), math.floor(count / 2), 'WITHSCORES')
            redis.call('DEL', tmp)
            if #mid == 2 then return mid[2] end
            return tostring((tonumber(mid[2]) + tonumber(mid[4])) / 2)
            """;
    private static final String FAILED_CALLBACKS = """
            local failed = 0
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], '+inf')) do
              if redis.call('HGET', ARGV[1] .. 'callback:' .. id, 'status') == 'failed' then failed = failed + 1 end
            end
            return failed
            """;

    /** Every callback by when it was made; the script over it reads their records, on the same slot. */
    private static final String CALLBACKS = "callbacks:all";
    /** The per-day counters' keys begin so: {@code stats:{day}}. */
    static final String COUNTERS = "stats:";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);

    private final IndexStore store;
    private final ZoneId zone;

    Dashboard(IndexStore store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    SupervisorViews.Figures figures() {
        LocalDate today = LocalDate.now(zone);
        List<SupervisorViews.Day> days = new ArrayList<>();
        List<Map<String, String>> counters = new ArrayList<>();
        for (int i = 6; i >= 0; i--) {
            LocalDate d = today.minusDays(i);
            Map<String, String> c = store.counters(COUNTERS + d);
            counters.add(c);
            days.add(new SupervisorViews.Day(d.toString(), d.atStartOfDay(zone).toEpochSecond(), number(c, "calls"),
                    number(c, "arrivedAngry")));
        }
        long weekAgo = today.minusDays(6).atStartOfDay(zone).toInstant().toEpochMilli();
        long due = store.count("callbacks:due", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        long failed = (Long) store.script(FAILED_CALLBACKS, List.of(CALLBACKS), List.of(Long.toString(weekAgo)));
        return new SupervisorViews.Figures(period("Today", counters.subList(6, 7), List.of(today)),
                period("Last 7 days", counters, days.stream().map(d -> LocalDate.parse(d.date())).toList()),
                days, due, failed);
    }

    private SupervisorViews.Period period(String label, List<Map<String, String>> counters, List<LocalDate> dates) {
        long calls = sum(counters, "calls");
        long angry = sum(counters, "arrivedAngry");
        long reachedAgent = sum(counters, "reachedAgentAngry");
        Map<String, Long> byQueue = new TreeMap<>();
        Map<String, Long> byTopic = new TreeMap<>();
        for (Map<String, String> c : counters) {
            c.forEach((field, value) -> {
                if (field.startsWith("queue:")) {
                    byQueue.merge(field.substring(6), Long.parseLong(value), Long::sum);
                } else if (field.startsWith("topic:")) {
                    byTopic.merge(field.substring(6), Long.parseLong(value), Long::sum);
                }
            });
        }
        List<String> args = new ArrayList<>(List.of("median:" + java.util.UUID.randomUUID(),
                Integer.toString(dates.size())));
        dates.forEach(d -> args.add("stats:" + d + ":venting"));
        String median = String.valueOf(store.script(MEDIAN, List.of(args.get(2)), args));
        return new SupervisorViews.Period(label, calls, share(angry, calls), share(sum(counters, "calmedBeforeAgent"), reachedAgent),
                median.isEmpty() ? Double.NaN : Double.parseDouble(median), sum(counters, "talkOvers"),
                sum(counters, "overflow"), byQueue, byTopic);
    }

    /**
     * The week's chart as uPlot reads it: the days (epoch seconds), each day's label (its ticks: one a day,
     * named on the operator's calendar rather than the browser's clock), calls, and callers who arrived angry.
     */
    static String chart(SupervisorViews.Figures figures) {
        ObjectNode chart = Json.object();
        ArrayNode x = chart.putArray("x");
        ArrayNode labels = chart.putArray("labels");
        ArrayNode calls = chart.putArray("calls");
        ArrayNode angry = chart.putArray("angry");
        figures.days().forEach(d -> {
            x.add(d.epochSeconds());
            labels.add(LocalDate.parse(d.date()).format(DAY));
            calls.add(d.calls());
            angry.add(d.arrivedAngry());
        });
        return chart.toString();
    }

    static String day(long epochMs, ZoneId zone) {
        return Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate().toString();
    }

    private static double share(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }

    private static long sum(List<Map<String, String>> counters, String field) {
        return counters.stream().mapToLong(c -> number(c, field)).sum();
    }

    private static long number(Map<String, String> counters, String field) {
        return Long.parseLong(counters.getOrDefault(field, "0"));
    }
}
