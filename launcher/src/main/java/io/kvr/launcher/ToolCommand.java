package io.kvr.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kvr tool ffmpeg|ffprobe}: prints the path of the FFmpeg program shipped inside kvr (for scripts). */
@Command(
        name = "tool",
        synopsisHeading = "usage: ",
        customSynopsis = "kvr tool ffmpeg|ffprobe",
        description = {"prints the path of the FFmpeg program shipped inside kvr"},
        descriptionHeading = "%n",
        parameterListHeading = "%n",
        optionListHeading = "%noptions:%n")
final class ToolCommand implements Callable<Integer> {
    private final CommandContext context;

    @Parameters(index = "0", paramLabel = "ffmpeg|ffprobe", description = "the program")
    String program;

    @Spec
    CommandSpec spec;

    ToolCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Class<?> programClass = switch (program) {
            case "ffmpeg" -> org.bytedeco.ffmpeg.ffmpeg.class;
            case "ffprobe" -> org.bytedeco.ffmpeg.ffprobe.class;
            default ->
                throw new ParameterException(spec.commandLine(), "takes ffmpeg or ffprobe, not '" + program + "'");
        };
        context.out().println(org.bytedeco.javacpp.Loader.load(programClass));
        return 0;
    }
}
