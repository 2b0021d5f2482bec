package io.kvr.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kvr run}: records the given cameras (and those stored before) until Ctrl-C. */
@Command(
        name = "run",
        synopsisHeading = "usage: ",
        customSynopsis = "kvr run [--data DIR] [--http HOST:PORT] [--tls-cert FILE --tls-key FILE] "
                + "[--camera APP/STREAM=URL ...] [--kafka-port N] [--s3-port N] [--config FILE] [key=value ...]",
        description = {"records the given cameras (rtsp, rtsps, rtmp, rtmps, srt, udp URLs) and serves HLS"},
        descriptionHeading = "%n",
        parameterListHeading = "%nsettings:%n",
        optionListHeading = "%noptions:%n")
final class RunCommand implements Callable<Integer> {
    private final CommandContext context;

    @Mixin
    ServeOptions options;

    RunCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        return Kvr.serve(options.toOptions("run"), context);
    }
}
