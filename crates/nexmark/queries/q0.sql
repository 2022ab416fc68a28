-- Nexmark q0 (pass-through): every bid, unchanged; measures the cost of reading events.
SELECT auction, bidder, price, dateTime, extra FROM bid
