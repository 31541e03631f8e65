using System.CommandLine;
using CqtMl.Audio.Cqt;

namespace CqtMl.Cli.Commands;

/// <summary>
/// The CQT's flags (<c>--sample-rate --hop-length --bins --bins-per-octave --fmin --channels</c>), their defaults taken
/// from <see cref="CqtOptions"/>, shared by the commands that compute CQTs; a bad value is a usage error naming its flag.
/// </summary>
internal sealed class CqtFlags
{
    private static readonly CqtOptions Defaults = new();

    /// <summary>Gets the sample rate flag.</summary>
    public Option<int> SampleRate { get; } = new("--sample-rate") { CustomParser = CliNumbers.ParseInt, Description = "CQT sample rate in Hz (the audio is resampled to it).", DefaultValueFactory = _ => Defaults.SampleRate };

    /// <summary>Gets the hop flag.</summary>
    public Option<int> HopLength { get; } = new("--hop-length") { CustomParser = CliNumbers.ParseInt, Description = "Hop between frames in samples.", DefaultValueFactory = _ => Defaults.HopLength };

    /// <summary>Gets the bin count flag.</summary>
    public Option<int> BinCount { get; } = new("--bins") { CustomParser = CliNumbers.ParseInt, Description = "Number of bins.", DefaultValueFactory = _ => Defaults.BinCount };

    /// <summary>Gets the bins per octave flag.</summary>
    public Option<int> BinsPerOctave { get; } = new("--bins-per-octave") { CustomParser = CliNumbers.ParseInt, Description = "Bins per octave.", DefaultValueFactory = _ => Defaults.BinsPerOctave };

    /// <summary>Gets the lowest frequency flag.</summary>
    public Option<double> FMin { get; } = new("--fmin") { CustomParser = CliNumbers.ParseDouble, Description = "Lowest bin frequency in Hz.", DefaultValueFactory = _ => Defaults.FMin };

    /// <summary>Gets the channel layout flag.</summary>
    public Option<string> Channels { get; } = CreateChannels();

    /// <summary>Gets the flags, to add to a command.</summary>
    public IEnumerable<Option> All => new Option[] { SampleRate, HopLength, BinCount, BinsPerOctave, FMin, Channels };

    /// <summary>Reads and validates the options of a parsed command line.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The options.</returns>
    /// <exception cref="UsageException">A value is out of range; the message names the flag.</exception>
    public CqtOptions Read(ParseResult parse)
    {
        var options = new CqtOptions
        {
            SampleRate = parse.GetValue(SampleRate),
            HopLength = parse.GetValue(HopLength),
            BinCount = parse.GetValue(BinCount),
            BinsPerOctave = parse.GetValue(BinsPerOctave),
            FMin = parse.GetValue(FMin),
            Channels = parse.GetValue(Channels) == "complex" ? CqtChannels.Complex : CqtChannels.Stereo,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw UsageException.ForOption(e, new Dictionary<string, Option>
            {
                [nameof(CqtOptions.SampleRate)] = SampleRate,
                [nameof(CqtOptions.HopLength)] = HopLength,
                [nameof(CqtOptions.BinCount)] = BinCount,
                [nameof(CqtOptions.BinsPerOctave)] = BinsPerOctave,
                [nameof(CqtOptions.FMin)] = FMin,
                [nameof(CqtOptions.Channels)] = Channels,
            }, e.ParamName ?? "option");
        }

        return options;
    }

    private static Option<string> CreateChannels()
    {
        var channels = new Option<string>("--channels") { Description = "stereo: |CQT| of left and right; complex: real and imaginary part of the mono mix.", DefaultValueFactory = _ => Defaults.Channels.ToString().ToLowerInvariant() };
        channels.AcceptOnlyFromAmong("stereo", "complex");
        return channels;
    }
}
