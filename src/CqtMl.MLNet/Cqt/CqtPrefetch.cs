using System.Collections.Concurrent;

namespace CqtMl.MLNet;

/// <summary>
/// Files whose CQT a parallel cursor (<see cref="PrefetchingDataView"/>) has started computing ahead of the row the
/// mapping is at. The mapping takes its row's result from here when it is present and computes it itself otherwise,
/// so the values never depend on whether, or how far, the prefetch ran.
/// </summary>
internal static class CqtPrefetch
{
    private static readonly ConcurrentDictionary<(string Path, string Parameters), Entry> Pending = new();

    /// <summary>Gets the number of results computed ahead and not taken for files under a folder (zero once its cursors are disposed).</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The count.</returns>
    public static int PendingUnder(string folder) => Pending.Keys.Count(k => k.Path.StartsWith(folder, StringComparison.Ordinal));

    /// <summary>Takes the result computed ahead for a file, if any.</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="parameters">The encoded parameters.</param>
    /// <param name="task">The computation (completed or running).</param>
    /// <returns>Whether one was there.</returns>
    public static bool TryTake(string path, string parameters, out Task<float[]>? task)
    {
        if (Pending.TryRemove((path, parameters), out Entry? entry))
        {
            entry.Owner.Release();
            task = entry.Task;
            return true;
        }

        task = null;
        return false;
    }

    /// <summary>Starts computing the files of <paramref name="paths"/> in order, at most <paramref name="window"/> ahead.</summary>
    /// <param name="paths">The paths, in the cursor's row order (enumerated on a background thread).</param>
    /// <param name="parameters">The encoded parameters.</param>
    /// <param name="window">The most results computed or computing and not yet taken.</param>
    /// <returns>The producer; dispose it with the cursor.</returns>
    public static Producer Start(IEnumerable<string> paths, string parameters, int window) => new(paths, parameters, window);

    private sealed record Entry(Task<float[]> Task, Producer Owner);

    /// <summary>Schedules the computations of one cursor's rows ahead of it.</summary>
    internal sealed class Producer : IDisposable
    {
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<(string, string), byte> _mine = new();
        private readonly Task _loop;

        public Producer(IEnumerable<string> paths, string parameters, int window)
        {
            _slots = new SemaphoreSlim(window, window);
            NativeCqtParameters decoded = NativeCqtParameters.Decode(parameters);

            // The first files are scheduled before the cursor moves, so its first rows find their results started.
            IEnumerator<string> remaining = paths.GetEnumerator();
            for (int i = 0; i < window && remaining.MoveNext(); i++)
            {
                _slots.Wait();
                Schedule(remaining.Current, parameters, decoded);
            }

            _loop = Task.Run(() => Run(remaining, parameters, decoded, _stop.Token));
        }

        /// <summary>Frees the slot of a taken result.</summary>
        public void Release() => _slots.Release();

        /// <inheritdoc/>
        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _loop.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting for a slot: expected.
            }
            catch (Exception e)
            {
                // Reading the paths failed; the cursor reads the same rows and reports it at its row. Not rethrown from
                // Dispose, which may run while that very error unwinds.
                System.Diagnostics.Trace.TraceWarning($"the CQT prefetch stopped: {e.Message}");
            }

            foreach ((string, string) key in _mine.Keys)
            {
                // Results nobody took (the cursor stopped early): drop them, so they do not outlive the cursor.
                if (Pending.TryGetValue(key, out Entry? entry) && entry.Owner == this)
                {
                    Pending.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
                }
            }

            _stop.Dispose();
        }

        private async Task Run(IEnumerator<string> paths, string parameters, NativeCqtParameters decoded, CancellationToken stop)
        {
            using (paths)
            {
                while (paths.MoveNext())
                {
                    await _slots.WaitAsync(stop).ConfigureAwait(false);
                    Schedule(paths.Current, parameters, decoded);
                }
            }
        }

        /// <summary>Starts one file's computation in a slot already taken.</summary>
        private void Schedule(string path, string parameters, NativeCqtParameters decoded)
        {
            var key = (path, parameters);
            if (string.IsNullOrEmpty(path) || Pending.ContainsKey(key))
            {
                // Empty (the mapping reports it) or already in flight (a repeated file): the mapping computes it.
                _slots.Release();
                return;
            }

            Task<float[]> task = Task.Run(() => NativeCqt.Compute(path, decoded, threads: 1), CancellationToken.None);
            if (Pending.TryAdd(key, new Entry(task, this)))
            {
                _mine[key] = 0;
            }
            else
            {
                _slots.Release();
            }
        }
    }
}
