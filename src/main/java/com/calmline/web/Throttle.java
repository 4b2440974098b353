package com.calmline.web;

import com.calmline.store.RecordStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Password attempts counted in Redis windows ({@code throttle:…}), per name and per address, so every
 * instance counts the same. An attempt is counted before its password is checked, all counters in one
 * atomic script, so guesses sent in parallel cannot all be checked before any of them is counted; an
 * attempt whose password was right takes its count back, so only failures use up the allowance.
 */
final class Throttle {
    /** KEYS: the counters; ARGV[2]: the window in ms; ARGV[2 + i]: how many attempts KEYS[i] allows. */
    private static final String COUNT = """
            local allowed = 1
            for i, key in ipairs(KEYS) do
              local n = redis.call('INCR', key)
              if n == 1 then redis.call('PEXPIRE', key, ARGV[2]) end
              if n > tonumber(ARGV[2 + i]) then allowed = 0 end
            end
            return allowed""";
    /** Takes one attempt back from each counter still in its window (never below zero, never reviving one). */
    private static final String REFUND = """
            for _, key in ipairs(KEYS) do
              local n = tonumber(redis.call('GET', key) or '0')
              if n > 0 then redis.call('DECR', key) end
            end
            return 0""";

    private final RecordStore store;
    private final Duration window;

    Throttle(RecordStore store, Duration window) {
        this.store = store;
        this.window = window;
    }

    /** Counts an attempt against each counter (key to the attempts its window allows); false if one is spent. */
    boolean attempt(Map<String, Integer> limits) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of(Long.toString(window.toMillis())));
        limits.forEach((key, limit) -> {
            keys.add(key);
            args.add(Integer.toString(limit));
        });
        return ((Long) store.script(COUNT, keys, args)) == 1;
    }

    /** The attempt succeeded: it does not count. */
    void refund(Map<String, Integer> limits) {
        store.script(REFUND, List.copyOf(limits.keySet()), List.of());
    }
}
