namespace CqtMl.Onnx.Generation;

/// <summary>
/// The standard normal distribution's log-CDF and log-survival function in double precision, from the complementary
/// error function (.NET has none): a positive-term series below x = 3 and a continued fraction above, both accurate to
/// about 1e-13 relative, which is far below float32 noise's resolution.
/// </summary>
internal static class NormalDistribution
{
    private const double TwoOverRootPi = 1.1283791670955126;
    private const double OneOverRootPi = 0.5641895835477563;

    /// <summary>ln P(Z &lt;= z) for a standard normal Z.</summary>
    public static double LogCdf(double z)
    {
        double tail = 0.5 * Erfc(Math.Abs(z) / Math.Sqrt(2));
        if (z < 0)
        {
            return Math.Log(tail);
        }

        // ln(1 - tail); the series keeps full precision where 1 - tail would round to 1.
        return tail < 1e-4 ? -tail - (tail * tail / 2) - (tail * tail * tail / 3) : Math.Log(1 - tail);
    }

    /// <summary>erfc(x) for x >= 0.</summary>
    public static double Erfc(double x)
    {
        if (x < 3)
        {
            // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)): every term positive.
            double term = x, sum = x, x2 = x * x;
            for (int n = 1; n < 200 && term > sum * 1e-17; n++)
            {
                term *= 2 * x2 / ((2 * n) + 1);
                sum += term;
            }

            return 1 - (TwoOverRootPi * Math.Exp(-x2) * sum);
        }

        // erfc(x) = exp(-x^2) / sqrt(pi) * 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...))))), by Lentz's method.
        const double Tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double a = k / 2.0;
            d = x + (a * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + (a / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return OneOverRootPi * Math.Exp(-x * x) / f;
    }
}
