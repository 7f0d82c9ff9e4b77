# syntax=docker/dockerfile:1
#
# vggstream images. Targets:
#   runtime      (default) the processor, CPU TensorFlow natives on a slim JRE 25 with an AOT cache trained at build
#                time (README, "Start-up on JDK 25"):  docker build -t vggstream .
#                with DEVICE=gpu, CUDA 12 + cuDNN 9 natives (mvn -Pgpu):  docker build --build-arg DEVICE=gpu -t vggstream:gpu .
#   tools        the whole vggstream command (model build/train, bench, ...):  docker build --target tools -t vggstream-tools .
# The processor images hold the vggstream-processor module's jar, which runs only `run`: no Kafka broker, no
# trainer, no benchmark. All build from a clean checkout; the build stages need Maven Central and nothing else.

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
# The code is Java 17 (the jars run on 17 too); the images run it on 25 for its AOT cache (JEP 483/514/515), which
# measured a fresh processor ready sooner and faster over its first 20,000 images (README, "Start-up on JDK 25").
ARG JRE_IMAGE=eclipse-temurin:25-jre
# TensorFlow Java 1.1.0's GPU natives link against CUDA 12 and cuDNN 9; any CUDA 12.x runtime image with cuDNN 9 fits.
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
# The processor's device: cpu or gpu (the runtime stage starts from processor-cpu or processor-gpu).
ARG DEVICE=cpu

# ---- sources, shared by both builds -----------------------------------------------------------------------------
FROM ${MAVEN_IMAGE} AS sources
WORKDIR /src
COPY pom.xml ./
COPY vggstream-processor ./vggstream-processor
COPY vggstream-model ./vggstream-model
COPY vggstream-tools ./vggstream-tools

# ---- build: CPU natives -------------------------------------------------------------------------------------------
# The local Maven repository is a BuildKit cache mount (shared by both builds): after the first build, a rebuild
# downloads nothing, while the image layers stay free of it.
FROM sources AS build
RUN --mount=type=cache,id=vggstream-m2,target=/root/.m2 \
    mvn -B -Dshade.skip=false -DskipTests -pl vggstream-processor package \
 && cp vggstream-processor/target/vggstream-processor.jar /vggstream.jar

# ---- build: GPU natives -------------------------------------------------------------------------------------------
FROM sources AS build-gpu
RUN --mount=type=cache,id=vggstream-m2,target=/root/.m2 \
    mvn -B -Pgpu -Dshade.skip=false -DskipTests -pl vggstream-processor package \
 && cp vggstream-processor/target/vggstream-processor.jar /vggstream.jar

# ---- build: the tools' jar (CPU natives) --------------------------------------------------------------------------
FROM sources AS build-tools
RUN --mount=type=cache,id=vggstream-m2,target=/root/.m2 \
    mvn -B -Dshade.skip=false -Dprocessor.shade.skip=true -DskipTests -pl vggstream-tools -am package \
 && cp vggstream-tools/target/vggstream.jar /vggstream.jar

# ---- the slim JRE with the application's user, folders and configuration: the CPU processor and the tools start here
FROM ${JRE_IMAGE} AS app
# Fixed ids: a named volume for /models is created owned by them, and files from the host stay readable.
RUN groupadd --system --gid 10001 vggstream \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin vggstream \
 && mkdir -p /app/config /models \
 && chown 10001:10001 /models
WORKDIR /app
COPY config/application.properties /app/config/application.properties
ENV TF_CPP_MIN_LOG_LEVEL=1 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -XX:InlineSmallCode=1000 -XX:FreqInlineSize=100"

# ---- tools: the vggstream command, for one-shot jobs beside the processor (docker-compose's model service) --------
FROM app AS tools
COPY --from=build-tools /vggstream.jar /app/vggstream.jar
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/vggstream.jar"]
CMD ["--help"]

# ---- the CPU processor's AOT cache: the processor, at the path it runs from, classifies a backlog on a local broker
# (the tools' aot-cache command) and the JVM writes what it loaded, linked and profiled. Valid for this JRE and jar.
FROM app AS aot-cpu
COPY --from=build-tools /vggstream.jar /tmp/vggstream-tools.jar
COPY --from=build /vggstream.jar /app/vggstream.jar
RUN java -jar /tmp/vggstream-tools.jar aot-cache --jar /app/vggstream.jar --out /app/vggstream.aot \
 && rm /tmp/vggstream-tools.jar

# ---- the processor on CPU: the slim JRE with the CPU natives' jar and its AOT cache --------------------------------
# JDK_JAVA_OPTIONS, read by the java launcher only: the Kubernetes pod sets JAVA_TOOL_OPTIONS and keeps this.
FROM app AS processor-cpu
COPY --from=build /vggstream.jar /app/vggstream.jar
COPY --from=aot-cpu /app/vggstream.aot /app/vggstream.aot
ENV JDK_JAVA_OPTIONS="-XX:AOTCache=/app/vggstream.aot"

# ---- the processor on GPU: CUDA 12 + cuDNN 9 with app's JRE, user, folders and configuration ------------------------
# The CUDA images carry no Java. Temurin's JRE is built against an old glibc, so it runs on the CUDA image's Ubuntu.
# No AOT cache here: training one runs the processor, and the GPU natives need a GPU driver a build does not have.
FROM ${CUDA_IMAGE} AS processor-gpu
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=app /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 10001 vggstream \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin vggstream \
 && mkdir -p /models \
 && chown 10001:10001 /models
COPY --from=app /app /app
COPY --from=build-gpu /vggstream.jar /app/vggstream.jar
ENV VGGSTREAM_INFERENCE_DEVICE=gpu \
    TF_CPP_MIN_LOG_LEVEL=1 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -XX:InlineSmallCode=1000 -XX:FreqInlineSize=100"

# ---- runtime: the processor on DEVICE (the default target, so it comes last) ----------------------------------------
# One stage for both devices: the build argument picks the stage above it starts from (BuildKit builds only that one).
FROM processor-${DEVICE} AS runtime
WORKDIR /app
# In a container the endpoints must be reachable from outside it (probes, Prometheus).
ENV VGGSTREAM_HTTP_HOST=0.0.0.0 \
    VGGSTREAM_MODEL_PATH=/models/vgg
USER 10001:10001
EXPOSE 8080
# bash's /dev/tcp: neither curl nor wget is needed in the image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${VGGSTREAM_HTTP_PORT:-8080} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-jar", "/app/vggstream.jar"]
CMD ["run"]
