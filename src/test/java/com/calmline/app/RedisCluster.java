package com.calmline.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.embedded.RedisServer;

/**
 * A real Redis Cluster on this machine for end-to-end tests: masters and a replica each, every node a
 * redis-server of its own (the binary the build fetches for the embedded server), asking for one password,
 * appending to its own file with every write synced as the embedded server does (so a benchmark compares like
 * with like), joined with {@code CLUSTER MEET}, given slots with {@code CLUSTER ADDSLOTS} and
 * replicas with {@code CLUSTER REPLICATE}. A master can be killed as a crash would end it; its replica takes
 * over after {@link #NODE_TIMEOUT_MS}.
 */
public final class RedisCluster implements AutoCloseable {
    /** How long a silent master is given before its replica is promoted: short, so a test's failover is quick. */
    public static final int NODE_TIMEOUT_MS = 2000;
    private static final Pattern PID = Pattern.compile("process_id:(\\d+)");
    private final String password;
    private final Map<Integer, RedisServer> servers = new TreeMap<>();

    private RedisCluster(String password) {
        this.password = password;
    }

    /** {@code masters} masters, each with one replica, every slot covered; returns once the cluster is ok. */
    public static RedisCluster start(int masters) {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        RedisCluster cluster = new RedisCluster(HexFormat.of().formatHex(secret));
        try {
            cluster.form(masters);
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void form(int masters) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < masters * 2; i++) {
            int port = freePort();
            Path dir = Files.createTempDirectory("calmline-cluster-" + port);
            RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("requirepass " + password).setting("masterauth " + password)
                    .setting("cluster-enabled yes").setting("cluster-config-file nodes.conf")
                    .setting("cluster-node-timeout " + NODE_TIMEOUT_MS).setting("dir " + dir.toAbsolutePath())
                    .setting("appendonly yes").setting("appendfsync always").setting("save \"\"").build();
            server.start();
            servers.put(port, server);
            ports.add(port);
        }
        for (int port : ports.subList(1, ports.size())) {
            try (Jedis node = node(port)) {
                node.clusterMeet("127.0.0.1", ports.get(0));
            }
        }
        await(() -> ports.stream().allMatch(p -> {
            try (Jedis node = node(p)) {
                return node.clusterNodes().lines().count() == ports.size();
            }
        }), "every node knows every other");
        int per = 16384 / masters;
        for (int m = 0; m < masters; m++) {
            int from = m * per;
            int to = m == masters - 1 ? 16383 : from + per - 1;
            try (Jedis master = node(ports.get(m))) {
                master.clusterAddSlots(IntStream.rangeClosed(from, to).toArray());
            }
        }
        for (int m = 0; m < masters; m++) {
            String id;
            try (Jedis master = node(ports.get(m))) {
                id = master.clusterMyId();
            }
            int replica = ports.get(masters + m);
            await(() -> {
                try (Jedis node = node(replica)) {
                    return node.clusterNodes().contains(id) && node.clusterNodes().lines()
                            .anyMatch(l -> l.startsWith(id) && l.contains("master"));
                }
            }, "the replica knows its master");
            try (Jedis node = node(replica)) {
                node.clusterReplicate(id);
            }
        }
        awaitOk();
        await(() -> ports.subList(masters, ports.size()).stream().allMatch(p -> {
            try (Jedis node = node(p)) {
                return node.info("replication").contains("master_link_status:up");
            }
        }), "every replica in sync with its master");
    }

    /**
     * The engines a benchmark runs on, one after the other in the same run: {@code single} (one server, as
     * REDIS_URL or the embedded default) and {@code cluster} (three masters with a replica each), both unless
     * {@code -Dbench.redis=single|cluster} chooses one.
     */
    public static List<String> benchEngines() {
        String chosen = System.getProperty("bench.redis", "both");
        return switch (chosen) {
            case "both" -> List.of("single", "cluster");
            case "single", "cluster" -> List.of(chosen);
            default -> throw new IllegalArgumentException("-Dbench.redis must be single, cluster or both, not "
                    + chosen);
        };
    }

    /** A setting as a live node has it (every node is started alike). */
    public String setting(String name) {
        return anyLiveNode(node -> node.configGet(name).getOrDefault(name, "?"));
    }

    /** As REDIS_CLUSTER names it. */
    public String nodes() {
        return servers.keySet().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public String password() {
        return password;
    }

    /** The environment an instance needs to use the cluster. */
    public Map<String, String> env() {
        return Map.of("REDIS_CLUSTER", nodes(), "REDIS_PASSWORD", password);
    }

    /** A cluster client, to look at what is kept; the caller closes it. */
    public RedisClusterClient client() {
        return RedisClusterClient.builder().nodes(servers.keySet().stream().map(p -> new HostAndPort("127.0.0.1", p))
                .collect(Collectors.toSet())).clientConfig(DefaultJedisClientConfig.builder().password(password)
                .build()).build();
    }

    /** The port of the master serving {@code key}'s slot now, as a live node sees it. */
    public int masterOf(String key) {
        int slot = JedisClusterCRC16.getSlot(key);
        for (String line : anyLiveNode(Jedis::clusterNodes).split("\n")) {
            String[] f = line.split(" ");
            if (!f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                if (range[0].startsWith("[")) {
                    continue;
                }
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                }
            }
        }
        throw new IllegalStateException("no live master serves slot " + slot);
    }

    /** The ports of the masters now. */
    public Set<Integer> masters() {
        Set<Integer> masters = new HashSet<>();
        for (String line : anyLiveNode(Jedis::clusterNodes).split("\n")) {
            String[] f = line.split(" ");
            if (f[2].contains("master") && !f[2].contains("fail") && f.length > 8) {
                masters.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@'))));
            }
        }
        return masters;
    }

    /** SIGKILL, as a crash or the OOM killer ends a node: nothing is flushed, nothing told. */
    public void kill(int port) throws Exception {
        long pid;
        try (Jedis node = node(port)) {
            Matcher m = PID.matcher(node.info("server"));
            if (!m.find()) {
                throw new IllegalStateException("INFO does not name the server's process");
            }
            pid = Long.parseLong(m.group(1));
        }
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(10, TimeUnit.SECONDS);
        servers.remove(port);
    }

    /** Returns once every live node reports the cluster's state ok. */
    public void awaitOk() {
        await(() -> servers.keySet().stream().allMatch(p -> {
            try (Jedis node = node(p)) {
                return node.clusterInfo().contains("cluster_state:ok");
            }
        }), "cluster_state ok on every node");
    }

    private <T> T anyLiveNode(java.util.function.Function<Jedis, T> ask) {
        for (int port : servers.keySet()) {
            try (Jedis node = node(port)) {
                return ask.apply(node);
            } catch (JedisException e) {
                // the next one
            }
        }
        throw new IllegalStateException("no node answers");
    }

    private Jedis node(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().password(password)
                .build());
    }

    private static void await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (JedisException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis Cluster: not reached in 60 s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A port free with its cluster bus port (10000 above it: redis-server 6.2 has no setting to move it). */
    private static int freePort() throws IOException {
        SecureRandom random = new SecureRandom();
        for (int tries = 0; tries < 200; tries++) {
            int port = 20000 + random.nextInt(20000);
            try (ServerSocket s = new ServerSocket(port); ServerSocket bus = new ServerSocket(port + 10000)) {
                return port;
            } catch (IOException taken) {
                // another
            }
        }
        throw new IOException("no free port pair for a cluster node");
    }

    /** Stops every node still running. */
    @Override
    public void close() {
        for (RedisServer server : servers.values()) {
            try {
                server.stop();
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }
        servers.clear();
    }
}
