package com.calmline.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Everything durable, in Redis, behind one connection: opened here (a configured Redis, the embedded one a
 * service beside us started, or an embedded one of our own), watched here (does Redis answer, how many writes
 * wait for it) and closed here. What is kept is reached through the store of its concern: {@link #calls},
 * {@link #records}, {@link #indexes}, {@link #channels}. Writes survive an outage and a restart during it: they
 * wait in an outbox kept in memory and journalled under DATA_DIR, and are stored, in order, when Redis answers
 * again.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);

    /**
     * A Redis Cluster to use: some of its nodes ({@code host:port}; the client learns the rest), the user and
     * password every node asks for, and whether to speak TLS.
     */
    public record Cluster(List<String> nodes, Optional<String> user, Optional<String> password, boolean tls) {
        private static final Duration RETRIES = Duration.ofSeconds(2);

        public Cluster {
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("REDIS_CLUSTER must name at least one node, as host:port,host:port");
            }
            for (String node : nodes) {
                int colon = node.lastIndexOf(':');
                if (colon <= 0 || !node.substring(colon + 1).matches("[0-9]{1,5}")
                        || Integer.parseInt(node.substring(colon + 1)) > 65535) {
                    throw new IllegalArgumentException("REDIS_CLUSTER: '" + node + "' is not host:port (e.g. "
                            + "redis-1:6379,redis-2:6379)");
                }
            }
            nodes = List.copyOf(nodes);
        }

        RedisClusterClient connect() {
            Set<HostAndPort> known = nodes.stream().map(HostAndPort::from).collect(Collectors.toSet());
            // A write a failing-over slot cannot take within RETRIES is held in the outbox rather than keep the
            // call's thread waiting; Jedis follows MOVED to the promoted replica within it.
            return RedisClusterClient.builder().nodes(known).maxTotalRetriesDuration(RETRIES)
                    .clientConfig(DefaultJedisClientConfig.builder().user(user.orElse(null))
                            .password(password.orElse(null)).ssl(tls).build()).build();
        }
    }

    private final Connection connection;
    private final CallStore calls;
    private final RecordStore records;
    private final IndexStore indexes;
    private final Channels channels;

    private Store(Connection connection) {
        this.connection = connection;
        this.calls = new CallStore(connection);
        this.records = new RecordStore(connection);
        this.indexes = new IndexStore(connection);
        this.channels = new Channels(connection);
    }

    /**
     * Connects to {@code redisUrl}, or to the embedded Redis already serving {@code dataDir} (a command run
     * beside the service), or starts an embedded Redis persisting under {@code dataDir}.
     */
    public static Store open(Optional<URI> redisUrl, Path dataDir, String prefix, Duration retention)
            throws IOException {
        return open(redisUrl, Optional.empty(), dataDir, prefix, retention, Optional.of(dataDir));
    }

    /** The same, or on {@code cluster} when given. */
    public static Store open(Optional<URI> redisUrl, Optional<Cluster> cluster, Path dataDir, String prefix,
                             Duration retention) throws IOException {
        return open(redisUrl, cluster, dataDir, prefix, retention, Optional.of(dataDir));
    }

    /**
     * The same for a command run beside the service: it shares the service's Redis, but never its outbox
     * journal, which belongs to the service.
     */
    public static Store forCommand(Optional<URI> redisUrl, Path dataDir, String prefix, Duration retention)
            throws IOException {
        return forCommand(redisUrl, Optional.empty(), dataDir, prefix, retention);
    }

    /** The same, or on {@code cluster} when given. */
    public static Store forCommand(Optional<URI> redisUrl, Optional<Cluster> cluster, Path dataDir, String prefix,
                                   Duration retention) throws IOException {
        return open(redisUrl, cluster, dataDir, prefix, retention, Optional.empty());
    }

    /**
     * The Redis key a name is stored under (its hash tag says its slot on a cluster), for a tool or a test that
     * reads Redis beside the stores.
     */
    public static String key(String prefix, String name) {
        return Connection.stored(prefix, name);
    }

    private static Store open(Optional<URI> redisUrl, Optional<Cluster> cluster, Path dataDir, String prefix,
                              Duration retention, Optional<Path> journal) throws IOException {
        if (prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("REDIS_PREFIX must not contain { or }: they would put every key "
                    + "on one hash slot of a cluster");
        }
        if (cluster.isPresent()) {
            return new Store(new Connection(cluster.get().connect(), Optional.empty(), prefix, retention, journal));
        }
        if (redisUrl.isPresent()) {
            return new Store(new Connection(RedisClient.create(redisUrl.get()), Optional.empty(), prefix, retention,
                    journal));
        }
        Optional<RedisClient> running = running(dataDir);
        if (running.isPresent()) {
            return new Store(new Connection(running.get(), Optional.empty(), prefix, retention, journal));
        }
        EmbeddedRedis server = EmbeddedRedis.start(dataDir);
        RedisClient client = RedisClient.create("127.0.0.1", server.port(), null, server.password());
        // Connections pooled before the server was restarted lead to the dead one: dropped, so that the first
        // requests after a restart do not each fail on one.
        server.onRestart(() -> client.getPool().clear());
        return new Store(new Connection(client, Optional.of(server), prefix, retention, journal));
    }

    /** The embedded Redis a service beside us started for {@code dataDir}: its port and password are kept there. */
    private static Optional<RedisClient> running(Path dataDir) {
        Path portFile = dataDir.resolve(EmbeddedRedis.PORT_FILE);
        if (!Files.isRegularFile(portFile)) {
            return Optional.empty();
        }
        RedisClient client = null;
        try {
            client = RedisClient.create("127.0.0.1", Integer.parseInt(Files.readString(portFile).strip()), null,
                    Secret.read(dataDir.resolve(EmbeddedRedis.PASSWORD_FILE)).orElse(null));
            if ("PONG".equals(client.ping())) {
                return Optional.of(client);
            }
        } catch (IOException | NumberFormatException | JedisException e) {
            log.debug("no embedded Redis running for {}: {}", dataDir, e.toString());
        }
        if (client != null) {
            client.close();
        }
        return Optional.empty();
    }

    /** Each call's record, transcript, events, parts and lists. */
    public CallStore calls() {
        return calls;
    }

    /** Users, sessions, throttles and callbacks: records outside any call. */
    public RecordStore records() {
        return records;
    }

    /** Search indexes, logs and counters across calls, and their retention. */
    public IndexStore indexes() {
        return indexes;
    }

    /** What instances tell each other: calls that changed, agents who joined. */
    public Channels channels() {
        return channels;
    }

    /** True when Redis answers a PING now; on a cluster, when a node reports the cluster's state ok. */
    public boolean reachable() {
        return connection.reachable();
    }

    /** True while the embedded Redis this service runs has exited and is being started again with its data. */
    public boolean restarting() {
        return connection.restarting();
    }

    /** On a cluster, its state as a node reports it ({@code ok}, {@code fail}, {@code unreachable}); else empty. */
    public Optional<String> clusterState() {
        return connection.clusterState();
    }

    /** True when writes Redis cannot take are kept in a journal on disk (the service; not a command beside it). */
    public boolean journaled() {
        return connection.journaled();
    }

    /** Writes Redis ran and refused (kept in {@code outbox.rejected} under DATA_DIR) since the start. */
    public long refusedWrites() {
        return connection.refusedWrites();
    }

    /** Write batches held in memory because Redis did not answer. */
    public int heldWrites() {
        return connection.heldWrites();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
