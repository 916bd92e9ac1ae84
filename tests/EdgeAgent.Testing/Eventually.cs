namespace EdgeAgent.Testing;

/// <summary>Waits for a condition that the agent reaches asynchronously, failing with a reason after a timeout.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(condition, () => what, timeout);

    /// <summary>The same with a description made when the wait times out: the state at the deadline, not at the start.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting until " + what());
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The same for a condition that has to be fetched (an HTTP endpoint, a file).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting until " + what);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits without failing: for the steps where the condition's not coming true is itself an outcome to report (with
    /// what was seen). False once <paramref name="timeout"/> has passed.
    /// </summary>
    public static async Task<bool> WithinAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
