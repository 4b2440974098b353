package com.calmline.review;

import com.calmline.store.IndexStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Search over calls without a search engine: an inverted index kept in Redis itself, one sorted set per word
 * and per facet value ({@code index:word:refund}, {@code index:queue:billing}, {@code index:anger:0.75}), each
 * holding call sids scored by the call's start. A query intersects the sets it names with
 * {@code calls:by-start} inside one Lua script (Redis walks the smallest set first), so its cost follows the
 * rarest term, not the number of calls stored; a date range is a score range on the result.
 */
final class CallIndex {
    /**
     * The "anger at least" steps the filter offers; a call is in the set of every step its peak reached, so
     * each filter is one set, exact, and a peak only ever adds sets.
     */
    static final List<String> ANGER_STEPS = List.of("0.25", "0.5", "0.75", "0.9");
    private static final Pattern WORD = Pattern.compile("[a-z0-9']+");
    private static final Pattern TAG = Pattern.compile("\\[[a-z]+]");
    /** Words too common to narrow a search; a query made only of them lists every call. */
    private static final Set<String> STOP = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by", "do",
            "for", "from", "had", "has", "have", "he", "her", "his", "i", "i'm", "in", "is", "it", "it's", "its",
            "me", "my", "of", "on", "or", "our", "she", "so", "that", "the", "their", "them", "they", "this", "to",
            "uh", "um", "us", "was", "we", "were", "what", "with", "you", "your");
    private static final String SEARCH = """
            local p, tmp = ARGV[1], ARGV[1] .. ARGV[2]
            local min, max, offset, count = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
            local sets, weights = {p .. 'calls:by-start'}, {1}
            for i = 7, #ARGV do sets[#sets + 1] = p .. ARGV[i]; weights[#weights + 1] = 0 end
            local args = {'ZINTERSTORE', tmp, #sets}
            for _, k in ipairs(sets) do args[#args + 1] = k end
            args[#args + 1] = 'WEIGHTS'
            for _, w in ipairs(weights) do args[#args + 1] = w end
            redis.call(unpack(args))
            local total = redis.call('ZCOUNT', tmp, min, max)
            local page = redis.call('ZREVRANGEBYSCORE', tmp, max, min, 'LIMIT', offset, count)
            redis.call('DEL', tmp)
            table.insert(page, 1, total)
            return page
            """;

    /** What a supervisor asked for; empty fields do not filter. {@code minAnger} is one of {@link #ANGER_STEPS} or empty. */
    record Query(long fromMs, long toMs, String minAnger, String topic, String queue, String agent, String outcome,
                 String text, int offset, int count) {
    }

    record Page(long total, List<String> callSids) {
    }

    private final IndexStore store;

    CallIndex(IndexStore store) {
        this.store = store;
    }

    Page search(Query q) {
        List<String> all = new ArrayList<>();
        terms(q.text()).forEach(t -> all.add(word(t)));
        facet("topic", q.topic()).ifPresent(all::add);
        facet("queue", q.queue()).ifPresent(all::add);
        facet("agent", q.agent()).ifPresent(all::add);
        facet("outcome", q.outcome()).ifPresent(all::add);
        facet("anger", q.minAnger()).ifPresent(all::add);
        if (all.isEmpty()) {
            return new Page(store.count("calls:by-start", q.fromMs(), q.toMs()),
                    store.newest("calls:by-start", q.fromMs(), q.toMs(), q.offset(), q.count()));
        }
        List<String> args = new ArrayList<>(List.of("search:" + UUID.randomUUID(), Long.toString(q.fromMs()),
                Long.toString(q.toMs()), Integer.toString(q.offset()), Integer.toString(q.count())));
        args.addAll(all);
        List<?> reply = (List<?>) store.script(SEARCH, List.of("calls:by-start"), args);
        List<String> sids = reply.subList(1, reply.size()).stream().map(Object::toString).toList();
        return new Page((Long) reply.get(0), sids);
    }

    /**
     * Every index entry of a call, rebuilt from what is stored about it, for erasure; {@code day} is the day
     * it started on the dashboard's clock (its venting seconds are ranked under that day or, at midnight, the next).
     */
    static List<String> keysOf(Map<String, String> call, List<String> texts, LocalDate day) {
        List<String> keys = new ArrayList<>(List.of("calls:by-start", "calls:waiting",
                "stats:" + day + ":venting", "stats:" + day.plusDays(1) + ":venting"));
        for (String text : texts) {
            terms(text).forEach(t -> keys.add(word(t)));
        }
        for (String f : List.of("topic", "queue", "agent", "outcome")) {
            facet(f, call.getOrDefault(f, "")).ifPresent(keys::add);
        }
        ANGER_STEPS.forEach(step -> keys.add("index:anger:" + step));
        String from = call.getOrDefault("from", "");
        if (!from.isEmpty()) {
            keys.add("calls:by-caller:" + from);
        }
        String agent = call.getOrDefault("agent", "");
        if (!agent.isEmpty()) {
            keys.add("calls:agent:" + agent);
        }
        return keys;
    }

    /** The searchable words of a (redacted) text: lower case, tags and the commonest words left out. */
    static Set<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        Matcher m = WORD.matcher(TAG.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" "));
        while (m.find()) {
            String w = m.group();
            if (!STOP.contains(w) && w.length() <= 40) {
                terms.add(w);
            }
        }
        return terms;
    }

    static String word(String term) {
        return "index:word:" + term;
    }

    /** The anger sets a call whose peak is {@code anger} belongs to. */
    static List<String> angerSets(double anger) {
        return ANGER_STEPS.stream().filter(step -> anger >= Double.parseDouble(step)).map(step -> "index:anger:" + step)
                .toList();
    }

    static Optional<String> facet(String name, String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of("index:" + name + ":" + value);
    }
}
