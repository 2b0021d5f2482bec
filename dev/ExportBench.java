// Helper of dev/bench_export.py, run as a single source file on kvr's class path plus launcher/target/test-classes:
//   java -cp 'launcher/target/kvr-launcher.jar:launcher/target/lib/*:launcher/target/test-classes' dev/ExportBench.java MODE ARGS...
// Modes (each prints one JSON object on its last line):
//   loop BOOTSTRAP MEDIA_TOPIC SRC_STREAM DST_STREAM SECONDS
//       Publishes the last ingest session of SRC_STREAM again under DST_STREAM, looped until SECONDS of media, as
//       fast as Kafka takes it (io.kvr.launcher.MediaLoop, which ExportIT uses too): SECONDS of a camera recorded
//       through kvr (Kafka, segmenter, object storage, index) in far less than SECONDS.
import io.kvr.launcher.MediaLoop;

public class ExportBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "loop" -> System.out.println(new MediaLoop(args[1], args[2])
                    .loop(args[3], args[4], Double.parseDouble(args[5])).json());
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
