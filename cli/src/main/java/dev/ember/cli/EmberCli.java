package dev.ember.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

import dev.ember.cli.apikey.ApiKeyCommands;
import dev.ember.cli.batchinference.BatchInferenceJobCommands;
import dev.ember.cli.chat.ChatCommand;
import dev.ember.cli.dataset.DatasetCommands;
import dev.ember.cli.deployedmodel.LoadLoraCommand;
import dev.ember.cli.deployedmodel.UnloadLoraCommand;
import dev.ember.cli.deployment.DeploymentCommands;
import dev.ember.cli.finetuning.SupervisedFineTuningJobCommands;
import dev.ember.cli.model.ModelCommands;
import dev.ember.cli.quota.QuotaCommands;
import dev.ember.cli.quota.RateLimitsCommand;
import dev.ember.cli.region.RegionCommands;
import dev.ember.cli.shape.DeploymentShapeVersionCommands;
import dev.ember.cli.usage.UsageCommand;
import dev.ember.cli.user.UserCommands;
import dev.ember.cli.user.WhoamiCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code ember}: the command line of the public API, in the manner of firectl ({@code ember deployment create ...}).
 * Commands of a resource live in its package ({@code dev.ember.cli.deployment}); a new resource adds its package and
 * one entry in {@code subcommands} here.
 */
@Command(name = "ember", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = false, description = {
        "Ember on the command line: deployments, models, LoRA addons, datasets, fine-tuning and batch inference jobs,"
                + " keys, quotas, rate limits, usage and chat.",
        "Settings come from flags, then EMBER_* environment variables, then auth.ini (see docs/cli.md).",
        "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 permission, 5 wait failed or timed out."}, subcommands = {
                DeploymentCommands.class,
                LoadLoraCommand.class,
                UnloadLoraCommand.class,
                ModelCommands.class,
                DatasetCommands.class,
                SupervisedFineTuningJobCommands.class,
                BatchInferenceJobCommands.class,
                ApiKeyCommands.class,
                UserCommands.class,
                WhoamiCommand.class,
                QuotaCommands.class,
                RateLimitsCommand.class,
                DeploymentShapeVersionCommands.class,
                RegionCommands.class,
                UsageCommand.class,
                ChatCommand.class,
                CommandLine.HelpCommand.class})
public final class EmberCli implements Callable<Integer> {

    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private EmberCli(CliEnvironment environment) {
        this.environment = environment;
    }

    /**
     * The {@code ember} command line for {@code environment}, with {@code extraCommands} (such as the launcher's
     * {@code up}) added next to the API commands. Exit codes are those of {@link ExitCodes}.
     */
    public static CommandLine commandLine(CliEnvironment environment, Object... extraCommands) {
        CommandLine line = new CommandLine(new EmberCli(environment));
        for (Object command : extraCommands) {
            line.addSubcommand(command);
        }
        // Set after every command is added: picocli applies these to the subcommands present.
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler(EmberCli::handle);
        return line;
    }

    /** Runs one command line in this process's environment and returns its exit code. */
    public static int run(CliEnvironment environment, String... args) {
        return commandLine(environment).execute(args);
    }

    public CliEnvironment environment() {
        return environment;
    }

    /** The environment of the command line {@code spec} belongs to. */
    static CliEnvironment environmentOf(CommandSpec spec) {
        return spec.root().userObject() instanceof EmberCli cli ? cli.environment : CliEnvironment.system();
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command.");
    }

    private static int handle(Exception e, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        int code;
        if (e instanceof ApiException api) {
            err.println("ember: " + api.describe());
            code = api.exitCode();
        } else if (e instanceof CliException cli) {
            err.println("ember: " + cli.getMessage());
            code = cli.exitCode();
        } else if (e instanceof UncheckedIOException io) {
            err.println("ember: " + io.getMessage() + ": " + io.getCause().getMessage());
            code = ExitCodes.ERROR;
        } else {
            err.println("ember: " + e);
            code = ExitCodes.ERROR;
        }
        err.flush();
        return code;
    }
}
