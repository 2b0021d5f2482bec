package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsCommandTest {

    @Test
    void printsOneKafkaTopicsCommandPerTopicWithPrefixPartitionsAndConfigs() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = TopicsCommand.run(
                new String[] {
                    "topics",
                    "--print",
                    "topics.prefix=site1.kvr.",
                    "topics.partitions=12",
                    "topics.replication.factor=3",
                    "kafka.bootstrap.servers=b1:9093",
                    "kafka.security.protocol=SASL_SSL"
                },
                Map.of(),
                new PrintStream(out),
                System.err);
        String text = out.toString(StandardCharsets.UTF_8);

        assertThat(code).isZero();
        assertThat(text.lines().filter(l -> l.startsWith("kafka-topics.sh")))
                .hasSize(8)
                .allSatisfy(l -> assertThat(l)
                        .contains(
                                "--bootstrap-server b1:9093 --command-config client.properties",
                                "--replication-factor 3"));
        assertThat(text)
                .contains(
                        "--topic site1.kvr.media.v1 --partitions 12",
                        "--config max.message.bytes=16777216",
                        "--topic site1.kvr.policies.v1 --partitions 1",
                        "--topic site1.kvr.sources.v1 --partitions 12",
                        "--topic site1.kvr-indexer-segments-by-time-changelog --partitions 12 --replication-factor 3 --config cleanup.policy=compact",
                        "--topic site1.kvr-indexer-streams-changelog",
                        "--topic site1.kvr.export-requests.v1 --partitions 12",
                        "--topic site1.kvr.export-status.v1 --partitions 1");
        assertThat(text.lines()
                        .filter(l -> l.contains("policies.v1"))
                        .findFirst()
                        .orElseThrow())
                .contains("cleanup.policy=compact");
    }

    @Test
    void explicitApplicationIdNamesTheChangelogsAndNoSecurityMeansNoCommandConfig() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TopicsCommand.run(
                new String[] {"topics", "--print", "indexer.application.id=idx"},
                Map.of(),
                new PrintStream(out),
                System.err);

        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--topic idx-streams-changelog", "--bootstrap-server BROKER:9092 --create")
                .doesNotContain("command-config", "--replication-factor");
    }

    @Test
    void unknownFlagIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(TopicsCommand.run(new String[] {"topics", "--bogus"}, Map.of(), System.out, new PrintStream(err)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("kvr topics --print|--create");
    }

    @Test
    void theConfigFileIsNamedAfterASpaceOrAnEqualsSign(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("kvr.properties"), "topics.prefix=site2.\n");
        for (String[] args : new String[][] {
            {"topics", "--print", "--config", file.toString()}, {"topics", "--config=" + file, "--print"}
        }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(TopicsCommand.run(args, Map.of(), new PrintStream(out), System.err))
                    .isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("--topic site2.media.v1");
        }
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertThat(TopicsCommand.run(new String[] {"topics", "--help"}, Map.of(), new PrintStream(help), System.err))
                .isZero();
        assertThat(help.toString(StandardCharsets.UTF_8)).startsWith("usage: kvr topics --print|--create");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(TopicsCommand.run(new String[] {"topics"}, Map.of(), System.out, new PrintStream(err)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--print or --create");
    }
}
