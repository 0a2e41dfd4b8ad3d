//! Precedence-climbing parser: `||` < `&&` < `!` < comparison/`in` < `+ -` < `* /` < unary `-`.

use super::ast::{BinOp, Expr, ExprKind, Lit, UnOp};
use super::lexer::{Tok, Token, lex};
use crate::diag::Span;
use crate::value::{Date, Quantity, parse_quantity_msg};
use qiangke_i18n::Msg;

/// A syntax error inside one expression string, span relative to that string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: Msg,
    pub span: Span,
    pub hint: Option<Msg>,
}

/// Parses one whole expression.
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    let tokens = lex(src).map_err(|(message, span)| ParseError { message, span, hint: None })?;
    let mut p = Parser { toks: tokens, pos: 0, len: src.len(), depth: 0 };
    if p.toks.is_empty() {
        return Err(ParseError { message: Msg::new("e-parse-empty"), span: Span::new(0, src.len()), hint: None });
    }
    let e = p.or()?;
    if let Some(t) = p.peek() {
        return Err(ParseError {
            message: Msg::new("e-parse-trailing").arg("token", show(&t.tok)),
            span: t.span,
            hint: Some(Msg::new("e-hint-join")),
        });
    }
    Ok(e)
}

fn show(t: &Tok) -> &str {
    match t {
        Tok::Num(s) | Tok::Date(s) | Tok::Ident(s) => s,
        Tok::Sym(s) => s,
    }
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    len: usize,
    depth: usize,
}

/// Nesting beyond this is refused rather than risking the stack on hostile input.
const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }
    fn at_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Sym(x), .. }) if *x == s)
    }
    fn at_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Ident(x), .. }) if x == k)
    }
    fn bump(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn eof_span(&self) -> Span {
        Span::new(self.len, self.len)
    }
    fn expect_sym(&mut self, s: &'static str) -> Result<Span, ParseError> {
        match self.bump() {
            Some(Token { tok: Tok::Sym(x), span }) if x == s => Ok(span),
            Some(t) => Err(ParseError {
                message: Msg::new("e-parse-expected").arg("want", s).arg("token", show(&t.tok)),
                span: t.span,
                hint: None,
            }),
            None => Err(ParseError { message: Msg::new("e-parse-expected-end").arg("want", s), span: self.eof_span(), hint: None }),
        }
    }
    fn expect_kw(&mut self, k: &str) -> Result<(), ParseError> {
        if self.at_kw(k) {
            self.pos += 1;
            Ok(())
        } else {
            let span = self.peek().map_or(self.eof_span(), |t| t.span);
            Err(ParseError { message: Msg::new("e-parse-expected-word").arg("want", k), span, hint: Some(Msg::new("e-hint-if")) })
        }
    }
    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.peek().map_or(self.eof_span(), |t| t.span);
            return Err(ParseError { message: Msg::new("e-parse-too-deep"), span, hint: None });
        }
        Ok(())
    }

    fn binary(l: Expr, op: BinOp, r: Expr) -> Expr {
        let span = l.span.to(r.span);
        Expr { kind: ExprKind::Binary(op, Box::new(l), Box::new(r)), span }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut l = self.and()?;
        while self.at_sym("||") || self.at_kw("or") {
            self.pos += 1;
            let r = self.and()?;
            l = Self::binary(l, BinOp::Or, r);
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.not()?;
        while self.at_sym("&&") || self.at_kw("and") {
            self.pos += 1;
            let r = self.not()?;
            l = Self::binary(l, BinOp::And, r);
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.at_sym("!") || self.at_kw("not") {
            let start = self.bump().map(|t| t.span).unwrap_or_default();
            self.enter()?;
            let e = self.not()?;
            self.depth -= 1;
            let span = start.to(e.span);
            return Ok(Expr { kind: ExprKind::Unary(UnOp::Not, Box::new(e)), span });
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let l = self.add()?;
        let op = match self.peek() {
            Some(Token { tok: Tok::Sym(s), .. }) => match *s {
                "==" => Some(BinOp::Eq),
                "!=" => Some(BinOp::Ne),
                "<" => Some(BinOp::Lt),
                "<=" => Some(BinOp::Le),
                ">" => Some(BinOp::Gt),
                ">=" => Some(BinOp::Ge),
                _ => None,
            },
            Some(Token { tok: Tok::Ident(s), .. }) if s == "in" => Some(BinOp::In),
            _ => None,
        };
        let Some(op) = op else { return Ok(l) };
        self.pos += 1;
        let r = self.add()?;
        if let Some(Token { tok: Tok::Sym(s), span }) = self.peek()
            && ["==", "!=", "<", "<=", ">", ">="].contains(s)
        {
            return Err(ParseError { message: Msg::new("e-parse-chained"), span: *span, hint: Some(Msg::new("e-hint-chained")) });
        }
        Ok(Self::binary(l, op, r))
    }
    fn add(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.mul()?;
        loop {
            let op = if self.at_sym("+") {
                BinOp::Add
            } else if self.at_sym("-") {
                BinOp::Sub
            } else {
                return Ok(l);
            };
            self.pos += 1;
            let r = self.mul()?;
            l = Self::binary(l, op, r);
        }
    }
    fn mul(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.unary()?;
        loop {
            let op = if self.at_sym("*") {
                BinOp::Mul
            } else if self.at_sym("/") {
                BinOp::Div
            } else {
                return Ok(l);
            };
            self.pos += 1;
            let r = self.unary()?;
            l = Self::binary(l, op, r);
        }
    }
    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.at_sym("-") {
            let start = self.bump().map(|t| t.span).unwrap_or_default();
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            let span = start.to(e.span);
            return Ok(Expr { kind: ExprKind::Unary(UnOp::Neg, Box::new(e)), span });
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.bump() else {
            return Err(ParseError { message: Msg::new("e-parse-value-end"), span: self.eof_span(), hint: None });
        };
        match t.tok {
            Tok::Num(raw) => {
                let lit = match parse_quantity_msg(&raw) {
                    Ok(Quantity::Money(m)) => Lit::Money(m),
                    Ok(Quantity::Rate(r)) => Lit::Rate(r),
                    Ok(Quantity::Int(i)) => Lit::Int(i),
                    Ok(Quantity::Dec(d)) => Lit::Dec(d),
                    Ok(Quantity::Points(p)) => Lit::Points(p),
                    Err(message) => {
                        return Err(ParseError { message, span: t.span, hint: Some(Msg::new("e-hint-money-literal")) });
                    }
                };
                self.unit_typo(t.span)?;
                Ok(Expr { kind: ExprKind::Lit(lit), span: t.span })
            }
            Tok::Date(raw) => match Date::parse_msg(&raw) {
                Ok(d) => Ok(Expr { kind: ExprKind::Lit(Lit::Date(d)), span: t.span }),
                Err(message) => Err(ParseError { message, span: t.span, hint: None }),
            },
            Tok::Ident(name) => match name.as_str() {
                "true" | "false" => Ok(Expr { kind: ExprKind::Lit(Lit::Bool(name == "true")), span: t.span }),
                "if" => {
                    self.enter()?;
                    let c = self.or()?;
                    self.expect_kw("then")?;
                    let a = self.or()?;
                    self.expect_kw("else")?;
                    let b = self.or()?;
                    self.depth -= 1;
                    let span = t.span.to(b.span);
                    Ok(Expr { kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), span })
                }
                _ if self.at_sym("(") => {
                    self.pos += 1;
                    self.enter()?;
                    let mut args = Vec::new();
                    if !self.at_sym(")") {
                        loop {
                            args.push(self.or()?);
                            if self.at_sym(",") {
                                self.pos += 1;
                            } else {
                                break;
                            }
                        }
                    }
                    let close = self.expect_sym(")")?;
                    self.depth -= 1;
                    Ok(Expr { kind: ExprKind::Call { name, name_span: t.span, args }, span: t.span.to(close) })
                }
                _ => {
                    let mut segs = vec![(name, t.span)];
                    while self.at_sym(".") {
                        self.pos += 1;
                        match self.bump() {
                            Some(Token { tok: Tok::Ident(n), span }) => segs.push((n, span)),
                            other => {
                                let span = other.map_or(self.eof_span(), |t| t.span);
                                return Err(ParseError { message: Msg::new("e-parse-name-after-dot"), span, hint: None });
                            }
                        }
                    }
                    let span = segs[0].1.to(segs[segs.len() - 1].1);
                    Ok(Expr { kind: ExprKind::Path(segs), span })
                }
            },
            Tok::Sym("(") => {
                self.enter()?;
                let mut e = self.or()?;
                let close = self.expect_sym(")")?;
                self.depth -= 1;
                // The parentheses belong to the expression: an explanation quoting it shows a
                // balanced text, `(a && b)`, never `a && b) || (c`.
                e.span = t.span.to(close);
                Ok(e)
            }
            Tok::Sym("[") => {
                self.enter()?;
                let mut items = Vec::new();
                if !self.at_sym("]") {
                    loop {
                        items.push(self.or()?);
                        if self.at_sym(",") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                let close = self.expect_sym("]")?;
                self.depth -= 1;
                Ok(Expr { kind: ExprKind::List(items), span: t.span.to(close) })
            }
            Tok::Sym(s) => Err(ParseError { message: Msg::new("e-parse-value").arg("token", s), span: t.span, hint: None }),
        }
    }

    /// `20万` without 元 lexes as a number followed by a name; say so instead of a vague error.
    fn unit_typo(&self, num: Span) -> Result<(), ParseError> {
        if let Some(Token { tok: Tok::Ident(n), span }) = self.peek()
            && span.start == num.end
        {
            return Err(ParseError {
                message: Msg::new("e-parse-unit").arg("unit", n),
                span: num.to(*span),
                hint: Some(Msg::new("e-hint-units")),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let e = parse_expr("a || b && c == 1 + 2 * 3").unwrap();
        let ExprKind::Binary(BinOp::Or, _, r) = e.kind else { panic!("or at top") };
        let ExprKind::Binary(BinOp::And, _, r) = r.kind else { panic!("and next") };
        let ExprKind::Binary(BinOp::Eq, _, r) = r.kind else { panic!("eq next") };
        assert!(matches!(r.kind, ExprKind::Binary(BinOp::Add, _, _)));
    }

    #[test]
    fn errors_are_located() {
        let e = parse_expr("a && ").unwrap_err();
        assert_eq!(e.span, Span::new(5, 5));
        let e = parse_expr("x >= 20万").unwrap_err();
        assert!(e.message.to_string().contains("unknown unit"), "{}", e.message);
        assert!(parse_expr("a < b < c").unwrap_err().message.to_string().contains("chained"));
        assert!(parse_expr(&"(".repeat(500)).unwrap_err().message.to_string().contains("deeply"));
    }
}
