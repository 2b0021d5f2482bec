package io.kvr.launcher;

import io.kvr.runtime.config.Secrets;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code kvr}: the command line of every sub-command ({@code run}, {@code demo}, {@code infra}, {@code token},
 * {@code topics}, {@code tool}, {@code help}). {@code --help} works everywhere; a flag's value follows it after a
 * space or an equals sign. A command line that cannot be understood exits with {@value #USAGE_ERROR}, a reason and
 * the command's usage on stderr.
 */
@Command(
        name = "kvr",
        synopsisHeading = "usage: ",
        synopsisSubcommandLabel = "COMMAND",
        description = {"Kafka-native video recorder: everything in one process with embedded Kafka and S3."},
        descriptionHeading = "%n",
        commandListHeading = "%ncommands:%n",
        optionListHeading = "%noptions:%n",
        footer = {"", "'kvr COMMAND --help' or 'kvr help COMMAND' describes a command."})
final class KvrCommand implements Callable<Integer> {
    static final int USAGE_ERROR = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    /** {@code kvr} with every sub-command, writing to the context's streams. */
    static CommandLine commandLine(CommandContext context) {
        CommandLine kvr = new CommandLine(new KvrCommand())
                .addSubcommand(new RunCommand(context))
                .addSubcommand(new DemoCommand(context))
                .addSubcommand(new InfraCommand(context))
                .addSubcommand(new TokenCommand(context))
                .addSubcommand(new TopicsCommand(context))
                .addSubcommand(new ToolCommand(context));
        // every command, and kvr itself, answers --help; 'kvr help' has its own
        addHelpOption(kvr);
        kvr.getSubcommands().values().forEach(KvrCommand::addHelpOption);
        kvr.addSubcommand(new HelpCommand());
        // settings after the sub-commands, so that they apply to them too
        return kvr
                // an argument starting with @ is a value, never a file of arguments to read
                .setExpandAtFiles(false)
                // a repeated flag: the last one counts
                .setOverwrittenOptionsAllowed(true)
                .setUsageHelpWidth(100)
                .setOut(new PrintWriter(context.out(), true))
                .setErr(new PrintWriter(context.err(), true))
                .setParameterExceptionHandler((e, args) -> usageError(e));
    }

    private static void addHelpOption(CommandLine command) {
        command.getCommandSpec()
                .addOption(OptionSpec.builder("-h", "--help")
                        .usageHelp(true)
                        .description("prints this help")
                        .build());
        // options in the order the command declares them: the ones used most first
        command.getCommandSpec().usageMessage().sortOptions(false);
    }

    /** Runs {@code kvr ARGS...}; the exit status. */
    static int execute(CommandContext context, String... args) {
        return commandLine(context).execute(args);
    }

    /** The sub-command {@code args} names, parsed but not run. */
    static <T> T parse(Class<T> command, String... args) {
        CommandLine kvr = commandLine(CommandContext.system());
        CommandLine.ParseResult result = kvr.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        Object parsed = result.commandSpec().userObject();
        if (!command.isInstance(parsed)) {
            throw new IllegalArgumentException("not a command line of " + command.getSimpleName());
        }
        return command.cast(parsed);
    }

    private static int usageError(ParameterException e) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + reason(e));
        command.usage(err);
        err.flush();
        return USAGE_ERROR;
    }

    /** Why a command line was refused, in a few words naming the flag; URLs redacted (they may hold credentials). */
    static String reason(ParameterException e) {
        String reason;
        if (e instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().getFirst();
            boolean root = e.getCommandLine().getParent() == null;
            reason = (root && !arg.startsWith("-") ? "unknown command '" : "unknown option '") + arg + "'";
        } else if (e instanceof MissingParameterException missing
                && !missing.getMissing().isEmpty()
                && missing.getMissing().getFirst() instanceof OptionSpec option) {
            reason = option.longestName() + " needs a value";
        } else if (e.getCause() instanceof TypeConversionException conversion) {
            reason = e.getArgSpec() instanceof OptionSpec option
                    ? option.longestName() + " " + conversion.getMessage()
                    : conversion.getMessage();
        } else {
            reason = e.getMessage();
        }
        return Secrets.redactUrl(reason);
    }
}
