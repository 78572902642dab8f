// The previous majors, installed under aliases so the suites run against Express 4 and Koa 2 too
// (the peer ranges are `^4.21 || ^5` and `^2.15 || ^3`). Their APIs used here match the new majors'.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
