package com.calmline.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.Deployment;
import com.calmline.app.LiveEvents;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What the agents' live desk costs Redis. Twenty callers wait, routed by the line with a screen-pop; agents
 * have desk pages open; a waiting caller's call changes (Twilio fetches the wait URL each time a queued
 * caller's hold music loops, and the service notes the queue). Every read the real Redis server is sent is
 * seen with MONITOR and counted, but for the sessions each page looks up every few seconds whatever happens:
 * a change must cost the same reads whether one page is open or ten, because the desk reads what changed once
 * and renders every page from that.
 */
class DeskReadsIT {
    private static final int CALLERS = 20;
    private static final int PAGES = 10;
    private static final int CHANGES = 10;
    /** A MONITOR line: when, the database and client ("lua" for a script's own commands), the command and its arguments. */
    private static final Pattern LINE = Pattern.compile("^[0-9.]+ \\[\\d+ ([^\\]]+)] \"([^\"]+)\"(?: \"([^\"]*)\")?");
    private static final List<String> AGENTS = agents();

    @RegisterExtension
    static final Deployment deployment = users(Deployment.live("desk-reads-it-token")
            .env("MAX_LIVE_CALLS", Integer.toString(CALLERS + 4))).build();

    @Test
    void aChangeCostsTheSameReadsWithTenDeskPagesOpenAsWithOne() throws Exception {
        RunningService service = deployment.service();
        List<Simulator.Call> callers = new ArrayList<>();
        List<LiveEvents> pages = new ArrayList<>();
        try {
            for (int i = 0; i < CALLERS; i++) {
                callers.add(waiting(service, i));
            }
            Set<String> sids = new HashSet<>(callers.stream().map(c -> c.callSid).toList());
            pages.add(desk(service, AGENTS.get(0), sids));
            double one = readsPerChange(service, callers);
            for (int i = 1; i < PAGES; i++) {
                pages.add(desk(service, AGENTS.get(i), sids));
            }
            double ten = readsPerChange(service, callers);
            System.out.printf(Locale.ROOT, "DESK-READS %d callers waiting: %.1f Redis reads per change with 1 desk "
                    + "page open, %.1f with %d%n", CALLERS, one, ten, PAGES);
            assertTrue(one > 0, "a change is read at all (else this measures nothing)");
            assertTrue(ten <= one + 1, String.format(Locale.ROOT, "%d pages cost %.1f reads per change, 1 page %.1f: "
                    + "the reads grow with the pages open", PAGES, ten, one));
        } finally {
            for (LiveEvents page : pages) {
                page.close();
            }
            for (Simulator.Call caller : callers) {
                caller.close();
            }
        }
    }

    /** A caller who pressed 0 while the line listened: routed with a screen-pop, waiting, their stream open. */
    private static Simulator.Call waiting(RunningService service, int n) throws Exception {
        Simulator simulator = service.simulator();
        Simulator.Call call = simulator.dial(String.format(Locale.ROOT, "+1415555%04d", 100 + n), "+15555550199");
        deployment.twilio().accepts(call.callSid);
        call.connect();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!service.get("/api/calls/" + call.callSid + "/screenpop").body().contains("\"topic\"")) {
            assertTrue(System.nanoTime() < deadline, "caller " + n + " was never routed");
            simulator.post("/twilio/listen", Map.of("CallSid", call.callSid, "Digits", "0"));
            Thread.sleep(200);
        }
        return call;
    }

    /** An agent's desk page, open until every caller waiting is on it. */
    private static LiveEvents desk(RunningService service, String agent, Set<String> sids) throws Exception {
        Browserless person = new Browserless(service.url());
        person.login(agent, Deployment.PASSWORD);
        LiveEvents page = person.events("/agent/events");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String waiting = "";
        while (!sids.stream().allMatch(waiting::contains)) {
            assertTrue(System.nanoTime() < deadline, agent + "'s desk never listed every caller: " + waiting);
            LiveEvents.Event e = page.next(Duration.ofSeconds(30));
            waiting = e.name().equals("waiting") ? e.data() : waiting;
        }
        return page;
    }

    /**
     * {@link #CHANGES} changes, each to another waiting caller, a few refreshes apart; once the desk has read
     * what it reads about them, the reads Redis was sent, per change.
     */
    private static double readsPerChange(RunningService service, List<Simulator.Call> callers) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Jedis monitor = deployment.redis().connection(); Jedis info = deployment.redis().connection()) {
            Thread watcher = new Thread(() -> {
                try {
                    monitor.monitor(new JedisMonitor() {
                        @Override
                        public void onCommand(String command) {
                            seen.add(command);
                        }
                    });
                } catch (JedisException e) {
                    // the connection closed: the count is done
                }
            }, "desk-reads-monitor");
            watcher.setDaemon(true);
            watcher.start();
            Thread.sleep(500);
            int from = seen.size();
            Simulator twilio = service.simulator();
            for (int i = 0; i < CHANGES; i++) {
                twilio.post("/twilio/wait", Map.of("CallSid", callers.get(i * callers.size() / CHANGES).callSid,
                        "QueueSid", String.format(Locale.ROOT, "QU%032x", i + 1), "QueuePosition", "1"));
                Thread.sleep(300);
            }
            int quiet = reads(info, seen.subList(from, seen.size()), service.redisPrefix());
            for (int settled = -1; settled != quiet; ) {
                settled = quiet;
                Thread.sleep(1000);
                quiet = reads(info, seen.subList(from, seen.size()), service.redisPrefix());
            }
            monitor.disconnect();
            return quiet / (double) CHANGES;
        }
    }

    /** Read commands a client sent (not a script's own) about anything but sessions. */
    private static int reads(Jedis info, List<String> lines, String prefix) {
        Map<String, Boolean> readOnly = new HashMap<>();
        int reads = 0;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find() || m.group(1).equals("lua")) {
                continue;
            }
            String command = m.group(2).toLowerCase(Locale.ROOT);
            String key = m.group(3) == null ? "" : m.group(3);
            boolean read = readOnly.computeIfAbsent(command, c -> info.commandInfo(c).values().stream()
                    .anyMatch(i -> i.getFlags().contains("readonly")));
            if (read && key.startsWith(prefix) && !key.startsWith(Store.key(prefix, "session:"))) {
                reads++;
            }
        }
        return reads;
    }

    private static List<String> agents() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            names.add("desk" + i);
        }
        return names;
    }

    private static Deployment.Builder users(Deployment.Builder builder) {
        AGENTS.forEach(a -> builder.user(a, "agent"));
        return builder;
    }
}
