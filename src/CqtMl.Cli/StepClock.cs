using System.Diagnostics;

namespace CqtMl.Cli;

/// <summary>
/// Times optimisation steps for <c>--timings</c>: from the end of the first step (which pays for warm-up) to the end of
/// the last, without the epoch-end evaluations (paused there; the step after a pause is not counted).
/// </summary>
internal sealed class StepClock
{
    private readonly Stopwatch _clock = new();
    private int _timedSteps;

    /// <summary>Gets the mean wall time of the timed steps, or NaN.</summary>
    public double SecondsPerStep => _timedSteps > 0 ? _clock.Elapsed.TotalSeconds / _timedSteps : double.NaN;

    /// <summary>Marks the end of a step.</summary>
    public void StepDone()
    {
        if (_clock.IsRunning)
        {
            _timedSteps++;
        }

        _clock.Start();
    }

    /// <summary>Stops timing until the next step ends (an evaluation is not a step).</summary>
    public void Pause() => _clock.Stop();
}
