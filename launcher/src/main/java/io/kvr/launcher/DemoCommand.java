package io.kvr.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kvr demo}: records the built-in demo camera (and any {@code --camera}) until Ctrl-C. */
@Command(
        name = "demo",
        synopsisHeading = "usage: ",
        customSynopsis =
                "kvr demo [--data DIR] [--http HOST:PORT] [--camera APP/STREAM=URL ...] [options] " + "[key=value ...]",
        description = {"records a built-in test camera with a burned-in wall clock as " + Kvr.DEMO_STREAM},
        descriptionHeading = "%n",
        parameterListHeading = "%nsettings:%n",
        optionListHeading = "%noptions:%n")
final class DemoCommand implements Callable<Integer> {
    private final CommandContext context;

    @Mixin
    ServeOptions options;

    DemoCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        return Kvr.serve(options.toOptions("demo"), context);
    }
}
