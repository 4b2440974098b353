# Build: the Maven build also fetches the Vosk model artifact, unpacks it into models/ and precomposes its
# static decoding graph with OpenFst's tools (scripts/static-graph.sh; the plugins package carries the soname).
FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update && apt-get install -y --no-install-recommends libfst-tools \
        "$(apt-cache search --names-only '^libfst[0-9]+-plugins-base$' | cut -d' ' -f1 | head -n 1)" \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY prompts prompts
COPY routing routing
COPY scripts/static-graph.sh scripts/static-graph.sh
COPY src/main src/main
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app calmline
WORKDIR /app
COPY --from=build /src/target/calmline.jar /app/calmline.jar
COPY --from=build /src/models /app/models
COPY --from=build /src/prompts /app/prompts
COPY --from=build /src/routing /app/routing
RUN mkdir -p /app/data && chown calmline /app/data
USER calmline
# MALLOC_ARENA_MAX: each call's two threads would otherwise get glibc malloc arenas of their own for Vosk's
# native memory, tens of MB per call (measured with mvn -B -Pbench-load verify).
# HOST=0.0.0.0 so that `docker run -p` reaches the service. Without Twilio credentials (demo mode, whose
# signing token is public) the service then refuses to start unless DEMO_ON_NETWORK=true asks for it.
ENV MALLOC_ARENA_MAX=2 PORT=8080 HOST=0.0.0.0 DATA_DIR=/app/data VOSK_MODEL_DIR=/app/models/model-en-us PROMPTS_DIR=/app/prompts \
    ROUTING_DIR=/app/routing
EXPOSE 8080
# Liveness, not readiness: /health stays 200 while Redis is away, because a restart would lose the writes held
# in memory and cut off the calls in progress. Load balancers should use /ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl -fsS http://localhost:8080/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/calmline.jar"]
