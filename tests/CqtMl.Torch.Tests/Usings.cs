global using Xunit;

// TorchSharp's random generator is process-global: tests that seed it (training, sampling) must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
