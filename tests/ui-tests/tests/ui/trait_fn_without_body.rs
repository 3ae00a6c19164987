trait Produce {
    #[coro::coroutine(yield = u8)]
    fn produce(&self);
}

fn main() {}
