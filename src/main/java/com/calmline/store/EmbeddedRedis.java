package com.calmline.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real redis-server process for the zero-configuration demo, persisting to an append-only file. It listens
 * on loopback only and asks for a password, so other users of this machine cannot read or change it: a
 * random one kept owner-only in DATA_DIR, where a command run beside the service finds it with the port.
 */
final class EmbeddedRedis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    /** Where the running server's port is written, so a command run beside the service finds it. */
    static final String PORT_FILE = "redis.port";
    /** The password, readable by the service's user only. */
    static final String PASSWORD_FILE = "redis.password";

    private final RedisServer server;
    private final int port;
    private final String password;
    private final Path portFile;

    private EmbeddedRedis(RedisServer server, int port, String password, Path portFile) {
        this.server = server;
        this.port = port;
        this.password = password;
        this.portFile = portFile;
    }

    static EmbeddedRedis start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        int port = freePort();
        String password = Secret.keep(dataDir.resolve(PASSWORD_FILE));
        // Settings go to a config file the library creates owner-only, never onto the command line, which
        // every user of the machine can read.
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("requirepass " + password)
                .setting("dir " + dataDir.toAbsolutePath())
                .setting("appendonly yes")
                // A write Redis acknowledged must survive Redis being killed: the outbox forgets it then.
                .setting("appendfsync always")
                .setting("save \"\"")
                .onShutdownForceStop(true)
                .build();
        server.start();
        Path portFile = dataDir.resolve(PORT_FILE);
        Files.writeString(portFile, Integer.toString(port));
        log.info("Embedded Redis on 127.0.0.1:{}, data in {}", port, dataDir.toAbsolutePath());
        return new EmbeddedRedis(server, port, password, portFile);
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(portFile);
        server.stop();
    }
}
