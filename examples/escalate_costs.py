"""Money carries its cost year: escalate a 2016 equipment quote with the CEPCI.

The University of Kentucky 2019 REE pilot-plant report (doi 10.2172/1569277) costs a
rougher mixer-settler of 61,107 gal at US$1,285,343 in 2016 dollars. What is that in
2023 dollars, in yuan, and what would a unit twice the size cost with a 0.45 exponent?
"""

from tecmodel import Q_

quote = Q_(1_285_343, "USD_2016")
print(f"2016 quote:            {quote.to('MUSD_2016'):.3f~P}")
print(f"escalated to 2023:     {quote.to('MUSD_2023'):.3f~P}   (CEPCI 797.9 / 541.7)")
print(f"in yuan (2023 rate):   {quote.to('MCNY'):.2f~P}")

bigger = quote * (Q_(2 * 61_107, "gal") / Q_(61_107, "gal")) ** 0.45
print(f"twice the volume:      {bigger.to('MUSD_2023'):.3f~P}   (size exponent 0.45)")
