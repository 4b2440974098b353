package com.calmline.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/** A real redis-server process for the zero-configuration demo, persisting to an append-only file. */
final class EmbeddedRedis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static EmbeddedRedis start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + dataDir.toAbsolutePath())
                .setting("appendonly yes")
                .setting("save \"\"")
                .onShutdownForceStop(true)
                .build();
        server.start();
        log.info("Embedded Redis on 127.0.0.1:{}, data in {}", port, dataDir.toAbsolutePath());
        return new EmbeddedRedis(server, port);
    }

    int port() {
        return port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }
}
