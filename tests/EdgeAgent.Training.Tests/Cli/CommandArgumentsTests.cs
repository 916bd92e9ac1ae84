using EdgeAgent.Training.Cli;
using Xunit;

namespace EdgeAgent.Training.Tests.Cli;

public sealed class CommandArgumentsTests
{
    [Fact]
    public void Reads_space_and_equals_forms()
    {
        var args = CommandArguments.Parse(["--data", "a.csv.gz", "--cards=12", "--rate", "0.25", "--from", "2023-11-01"]);
        Assert.Equal("a.csv.gz", args.Required("data"));
        Assert.Equal(12, args.Whole("cards", 40));
        Assert.Equal(0.25, args.Real("rate", 1));
        Assert.Equal(new DateOnly(2023, 11, 1), args.Date("from", default));
        Assert.Equal("fallback", args.Text("name", "fallback"));
        args.EnsureAllRead();
    }

    [Fact]
    public void A_missing_required_option_is_a_usage_error()
    {
        var ex = Assert.Throws<UsageException>(() => CommandArguments.Parse([]).Required("data"));
        Assert.Contains("--data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unread_option_is_a_usage_error()
    {
        var args = CommandArguments.Parse(["--data", "x", "--tress", "10"]);
        args.Required("data");
        var ex = Assert.Throws<UsageException>(args.EnsureAllRead);
        Assert.Contains("--tress", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("--data")]
    [InlineData("--data", "x", "--data", "y")]
    [InlineData("--")]
    public void Malformed_command_lines_are_usage_errors(params string[] args)
    {
        Assert.Throws<UsageException>(() => CommandArguments.Parse(args));
    }

    [Fact]
    public void An_unparsable_value_names_its_option()
    {
        var args = CommandArguments.Parse(["--trees", "many"]);
        var ex = Assert.Throws<UsageException>(() => args.Whole("trees", 1));
        Assert.Contains("--trees", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_text_quotes_only_what_needs_it()
    {
        Assert.Equal(
            "dotnet run --project src/EdgeAgent.Training -c Release -- train-gbt --data ../shared/x.csv.gz --out 'my models'",
            CommandLineText.Of(["train-gbt", "--data", "../shared/x.csv.gz", "--out", "my models"]));
        Assert.Equal("'it'\\''s'", CommandLineText.Quote("it's"));
        Assert.Equal("''", CommandLineText.Quote(string.Empty));
    }
}
