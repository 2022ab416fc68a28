-- Nexmark q1 (currency conversion): bid prices in euros (0.908 per dollar).
SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid
