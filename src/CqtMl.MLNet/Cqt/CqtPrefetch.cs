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
    public static bool TryTake(string path, string parameters, out Task<CqtTensorBuffer>? task)
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

    /// <summary>
    /// Starts computing the files of <paramref name="paths"/> in order, <paramref name="parallel"/> at a time, and at most
    /// twice that many ahead of the row the cursor has taken.
    /// </summary>
    /// <param name="paths">The paths, in the cursor's row order (enumerated on the workers' threads, one at a time).</param>
    /// <param name="parameters">The encoded parameters.</param>
    /// <param name="parallel">The most files computed at once.</param>
    /// <returns>The producer; dispose it with the cursor.</returns>
    public static Producer Start(IEnumerable<string> paths, string parameters, int parallel) => new(paths, parameters, parallel);

    private sealed record Entry(Task<CqtTensorBuffer> Task, Producer Owner);

    /// <summary>
    /// Computes one cursor's rows ahead of it: <c>parallel</c> workers take the rows in order. A worker that finished goes
    /// on with the next row even while the cursor still waits for an earlier one (up to twice <c>parallel</c> results
    /// held), so one slow file does not idle the other cores.
    /// </summary>
    internal sealed class Producer : IDisposable
    {
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<(string, string), byte> _mine = new();
        private readonly ConcurrentQueue<Work> _registered = new();
        private readonly object _gate = new();
        private readonly IEnumerator<string> _paths;
        private readonly string _parameters;
        private readonly NativeCqtParameters _decoded;
        private readonly Task[] _workers;

        public Producer(IEnumerable<string> paths, string parameters, int parallel)
        {
            _slots = new SemaphoreSlim(2 * parallel, 2 * parallel);
            _parameters = parameters;
            _decoded = NativeCqtParameters.Decode(parameters);
            _paths = paths.GetEnumerator();

            // The first rows are registered before the cursor moves, so its first rows find their results under way.
            for (int i = 0; i < parallel; i++)
            {
                _slots.Wait();
                if (RegisterNext() is not Work first)
                {
                    break;
                }

                _registered.Enqueue(first);
            }

            _workers = Enumerable.Range(0, parallel).Select(_ => Task.Run(() => RunWorker(_stop.Token))).ToArray();
        }

        /// <summary>Frees the slot of a taken result.</summary>
        public void Release() => _slots.Release();

        /// <inheritdoc/>
        public void Dispose()
        {
            _stop.Cancel();
            foreach (Task worker in _workers)
            {
                try
                {
                    worker.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    // Stopped while waiting for a slot: expected.
                }
                catch (Exception e)
                {
                    // Reading the paths failed; the cursor reads the same rows and reports it at its row. Not rethrown
                    // from Dispose, which may run while that very error unwinds.
                    System.Diagnostics.Trace.TraceWarning($"the CQT prefetch stopped: {e.Message}");
                }
            }

            while (_registered.TryDequeue(out Work? unstarted))
            {
                unstarted.Done.TrySetCanceled();
            }

            foreach ((string, string) key in _mine.Keys)
            {
                // Results nobody took (the cursor stopped early): drop them, so they do not outlive the cursor, and give
                // their arrays back (every worker has stopped, so each is complete or was never started).
                if (Pending.TryGetValue(key, out Entry? entry) && entry.Owner == this
                    && Pending.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry)) && entry.Task.IsCompletedSuccessfully)
                {
                    entry.Task.Result.Return();
                }
            }

            _paths.Dispose();
            _stop.Dispose();
        }

        private async Task RunWorker(CancellationToken stop)
        {
            while (true)
            {
                if (!_registered.TryDequeue(out Work? work))
                {
                    await _slots.WaitAsync(stop).ConfigureAwait(false);
                    work = RegisterNext();
                    if (work is null)
                    {
                        return;
                    }
                }

                try
                {
                    work.Done.SetResult(NativeCqt.Compute(work.Path, _decoded, threads: 1));
                }
                catch (Exception e)
                {
                    // Delivered to the cursor at this file's row (the mapping rethrows it there).
                    work.Done.SetException(e);
                }
            }
        }

        /// <summary>Registers the next row's result as pending, in row order, in a slot the caller holds; null at the end (slot freed).</summary>
        private Work? RegisterNext()
        {
            lock (_gate)
            {
                while (_paths.MoveNext())
                {
                    string path = _paths.Current;
                    var key = (path, _parameters);

                    // Empty (the mapping reports it) or already in flight (a repeated file): the mapping computes it.
                    if (string.IsNullOrEmpty(path) || Pending.ContainsKey(key))
                    {
                        continue;
                    }

                    var done = new TaskCompletionSource<CqtTensorBuffer>(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (Pending.TryAdd(key, new Entry(done.Task, this)))
                    {
                        _mine[key] = 0;
                        return new Work(path, done);
                    }
                }

                _slots.Release();
                return null;
            }
        }

        /// <summary>One registered row: its file and the result the cursor waits for.</summary>
        private sealed record Work(string Path, TaskCompletionSource<CqtTensorBuffer> Done);
    }
}
